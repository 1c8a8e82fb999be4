// Registry credentials for cosign without a command line: a docker config written to a fresh private folder under
// RUNNER_TEMP for the length of one call, pointed to by DOCKER_CONFIG, and removed whatever happens.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { RegistryCredentials } from '../image/credentials.js'

/** go-containerregistry looks Docker Hub up under docker login's historical key, not under `docker.io`. */
const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/'

/**
 * Runs `fn` with the folder of a docker config that holds `credentials` for `registry`, then deletes the folder.
 * Without credentials nothing is written and `fn` gets undefined: cosign then reads the runner's own docker config.
 */
export async function withDockerConfig<T>(
  credentials: RegistryCredentials | undefined,
  registry: string,
  runnerTemp: string,
  fn: (dockerConfigDir: string | undefined) => Promise<T>,
): Promise<T> {
  if (credentials === undefined) return fn(undefined)
  // mkdtemp creates the folder 0700: only this user can read the credentials while they exist.
  const directory = await mkdtemp(path.join(runnerTemp || os.tmpdir(), 'vouch-docker-config-'))
  try {
    await writeFile(path.join(directory, 'config.json'), dockerConfigJson(credentials, registry), { mode: 0o600 })
    return await fn(directory)
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

/** The config's text: one `auths` entry with `auth` = base64(`user:password`), as `docker login` writes it. */
export function dockerConfigJson(credentials: RegistryCredentials, registry: string): string {
  const key = registry === 'docker.io' ? DOCKER_HUB_AUTH_KEY : registry
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')
  return `${JSON.stringify({ auths: { [key]: { auth } } }, null, 2)}\n`
}
