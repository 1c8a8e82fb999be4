// Docker configs, read and written. Read: the runner's (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`), the
// `auths` credentials that `docker login` leaves behind, used for digest resolution when no
// registry-username/registry-password is given. Written: a private one for the length of one cosign or Trivy call,
// so that registry credentials reach the tool without a command line.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { isRecord } from '../json.js'
import type { RegistryCredentials } from './credentials.js'

/** The parsed `auths` of a docker config, keyed by registry host as vouch names it (`docker.io`, `ghcr.io`, `localhost:5000`). */
export interface DockerConfig {
  /** The file it was read from, for messages. */
  path?: string
  auths: Record<string, RegistryCredentials>
}

/**
 * Reads the docker config the way the docker CLI finds it. A missing file is no config; a file that cannot be parsed
 * is warned about and ignored, so the registry's own 401 (which names the credentials tried) is what the user sees.
 */
export async function readDockerConfig(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): Promise<DockerConfig | undefined> {
  const directory =
    env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : path.join(home, '.docker')
  const file = path.join(directory, 'config.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      core.debug(`No docker config at ${file}`)
      return undefined
    }
    core.warning(`Could not read the docker config ${file}: ${(error as Error).message}`)
    return undefined
  }
  try {
    return { path: file, ...parseDockerConfig(text) }
  } catch (error) {
    core.warning(`Ignoring the docker config ${file}: ${(error as Error).message}`)
    return undefined
  }
}

/** Parses a docker config's text. Throws on text that is not a JSON object; skips `auths` entries it cannot use. */
export function parseDockerConfig(text: string): DockerConfig {
  const parsed: unknown = JSON.parse(text)
  if (!isRecord(parsed)) throw new Error('it is not a JSON object')
  if (typeof parsed.credsStore === 'string' || isRecord(parsed.credHelpers)) {
    // Running a helper binary is out of scope; docker login in CI writes `auths` unless a helper is configured.
    core.debug('The docker config names credential helpers (credsStore/credHelpers); vouch does not consult them')
  }
  const auths: Record<string, RegistryCredentials> = {}
  const entries = isRecord(parsed.auths) ? Object.entries(parsed.auths) : []
  for (const [key, entry] of entries) {
    const credentials = isRecord(entry) ? entryCredentials(entry) : undefined
    if (credentials === undefined) continue
    const registry = registryOfKey(key)
    // A plain host key wins over a URL form of the same host, as docker's lookup tries it first.
    if (auths[registry] === undefined || key === registry) auths[registry] = credentials
  }
  return { auths }
}

/** The docker config's credentials for a registry, if it has an entry for it. */
export function dockerConfigCredentials(
  config: DockerConfig | undefined,
  registry: string,
): RegistryCredentials | undefined {
  return config?.auths[registryOfKey(registry)]
}

/**
 * The registry host an `auths` key names: `https://ghcr.io` and `ghcr.io/v2/` are `ghcr.io`;
 * `https://index.docker.io/v1/` (docker login's key for Docker Hub) and `registry-1.docker.io` are `docker.io`.
 */
export function registryOfKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/', 1)[0]!
    .toLowerCase()
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host
}

// `auth` is base64 of `user:password` (the password may itself contain `:`); some tools write the two fields instead.
function entryCredentials(entry: Record<string, unknown>): RegistryCredentials | undefined {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { username: entry.username, password: entry.password }
  }
  return undefined
}

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
