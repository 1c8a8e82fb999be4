// Starts a real OCI registry (Debian's docker-registry, distribution v2) on 127.0.0.1 for tests, optionally behind
// htpasswd basic auth. It never skips: a registry that cannot start fails the test, in CI and locally alike.
import { spawn } from 'node:child_process'
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import bcrypt from 'bcryptjs'
import { afterAll, beforeAll } from 'vitest'

export interface StartedRegistry {
  /** `127.0.0.1:PORT` */
  host: string
  stop(): Promise<void>
}

export interface RegistryCredentials {
  username: string
  password: string
}

const DEFAULT_BINARY = process.env.VOUCH_TEST_REGISTRY ?? '/usr/bin/docker-registry'
const START_TIMEOUT_MS = 20_000

export interface RegistryOptions {
  htpasswd?: RegistryCredentials
  /** The distribution binary; Debian's by default, or $VOUCH_TEST_REGISTRY. */
  binary?: string
}

export async function startRegistry(options: RegistryOptions = {}): Promise<StartedRegistry> {
  const binary = options.binary ?? DEFAULT_BINARY
  try {
    await access(binary, constants.X_OK)
  } catch {
    throw new Error(
      `The test registry binary ${binary} is missing: install Debian's docker-registry ` +
        '(apt-get update && apt-get install -y docker-registry), or point VOUCH_TEST_REGISTRY at a distribution binary',
    )
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), 'vouch-registry-'))
  const auth = options.htpasswd === undefined ? '' : await writeHtpasswd(directory, options.htpasswd)
  const configPath = path.join(directory, 'config.yml')
  // Port 0: the registry picks a free port and logs it, so parallel test files never race for one.
  await writeFile(
    configPath,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(path.join(directory, 'data'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      '  addr: 127.0.0.1:0',
      auth,
    ].join('\n'),
  )

  const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let running = true
  void exited.then(() => (running = false))
  const stop = async (): Promise<void> => {
    if (running) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    await rm(directory, { recursive: true, force: true })
  }

  try {
    const host = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "listening on" line in time')), START_TIMEOUT_MS)
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8')
        const match = /listening on (?:\[::\]|127\.0\.0\.1):(\d+)/.exec(output)
        if (match !== null) {
          clearTimeout(timer)
          resolve(`127.0.0.1:${match[1]}`)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('error', (error) => reject(error))
      void exited.then((code) => reject(new Error(`exited with code ${code}`)))
    })
    await waitUntilAnswering(host, exited)
    return { host, stop }
  } catch (error) {
    await stop()
    throw new Error(`The test registry (${binary} serve) did not start: ${(error as Error).message}\n${output}`, {
      cause: error,
    })
  }
}

// GET /v2/ answers 200, or 401 when auth is on: either way the registry serves the API.
async function waitUntilAnswering(host: string, exited: Promise<unknown>): Promise<void> {
  let gone = false
  void exited.then(() => (gone = true))
  const deadline = Date.now() + START_TIMEOUT_MS
  let last = ''
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(`http://${host}/v2/`)
      await response.body?.cancel()
      if (response.status === 200 || response.status === 401) return
      last = `GET /v2/ answered ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(gone ? 'exited while starting' : `not answering: ${last}`)
}

// bcrypt, the only hash distribution's htpasswd accepts; a low cost keeps every authenticated request fast.
async function writeHtpasswd(directory: string, credentials: RegistryCredentials): Promise<string> {
  const file = path.join(directory, 'htpasswd')
  await writeFile(file, `${credentials.username}:${bcrypt.hashSync(credentials.password, 5)}\n`)
  return ['auth:', '  htpasswd:', '    realm: vouch-test', `    path: ${JSON.stringify(file)}`].join('\n')
}

/**
 * A registry for one test file: started before its first test, stopped after its last. The value's `host` is read
 * inside tests (it is known only once the registry has started).
 */
export function useRegistry(options: RegistryOptions = {}): { readonly host: string } {
  let started: StartedRegistry | undefined
  beforeAll(async () => {
    started = await startRegistry(options)
  })
  afterAll(async () => {
    await started?.stop()
  })
  return {
    get host(): string {
      if (started === undefined) throw new Error('the test registry is not started yet: read host inside a test')
      return started.host
    },
  }
}
