// Everything an end-to-end case needs around the bundled action with the real tools: a loopback registry holding the
// test Trivy DB, a cosign key pair from the real cosign, the loopback release mirror serving the tier's Trivy and
// cosign builds, and runVouch(), which runs dist/index.js as the runner does with inputs pointing at all of them.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { newRunner, runAction, type ActionRun, type RunnerDirs } from '../../harness/run-action.js'
import { startMirror, type Mirror } from '../../support/mirror.js'
import { startRegistry, type RegistryCredentials, type StartedRegistry } from '../../support/registry.js'
import { generateKeyPair, type KeyPair } from './cosign.js'
import { releaseAssets, releases } from './releases.js'
import { pushTrivyDb } from './trivy-db.js'

/** A DB location nothing listens on: port 1 of loopback refuses connections. */
export const REFUSED_DB = '127.0.0.1:1/aquasec/trivy-db:2'

/**
 * A registry that is down: every request answers 503 UNAVAILABLE, as a mirror under maintenance or over its quota
 * does. trivy v0.74.0 pkg/oci/artifact.go (Artifacts.Download, shouldTryOtherRepo) moves on to the next
 * `--db-repository` only for such a temporary registry error (go-containerregistry transport.Error.Temporary:
 * 408/500/502/503/504, or the codes UNAVAILABLE, TOOMANYREQUESTS, UNKNOWN, BLOB_UPLOAD_INVALID) or BLOB_UNKNOWN; a
 * refused connection ends the download at the first location.
 */
export async function startDownRegistry(): Promise<{ host: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = []
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(503, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'registry is down for maintenance' }] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

export interface E2eWorld {
  registry: StartedRegistry
  mirror: Mirror
  key: KeyPair
  /** The first DB location, a registry that is down. */
  downRegistry: Awaited<ReturnType<typeof startDownRegistry>>
  /** The `db-repository` input: the down registry first, the loopback DB second, so Trivy's fallback runs. */
  dbRepository: string
  /** One tool cache for every run of the world: the first run installs through the mirror, later ones reuse it. */
  toolCache: string
  /** The runner folders of every run (each holds unpacked real binaries and a Trivy cache): removed by close(). */
  runners: RunnerDirs[]
  close(): Promise<void>
}

export const KEY_PASSWORD = 'e2e-key-password-7d1f'

export async function startE2eWorld(): Promise<E2eWorld> {
  const started = await Promise.allSettled([
    startRegistry(),
    startMirror(releaseAssets()),
    generateKeyPair(KEY_PASSWORD),
    startDownRegistry(),
  ] as const)
  const [registry, mirror, key, downRegistry] = started.map((result) =>
    result.status === 'fulfilled' ? result.value : undefined,
  ) as [StartedRegistry?, Mirror?, KeyPair?, Awaited<ReturnType<typeof startDownRegistry>>?]
  const stopStarted = async (): Promise<void> => {
    await Promise.all([registry?.stop(), mirror?.close(), downRegistry?.close()])
    if (key !== undefined) await rm(key.dir, { recursive: true, force: true })
  }
  const failed = started.find((result) => result.status === 'rejected')
  // A part that did not start fails the world; the parts that did are stopped, so nothing keeps running.
  if (registry === undefined || mirror === undefined || key === undefined || downRegistry === undefined) {
    await stopStarted()
    throw (failed as PromiseRejectedResult).reason
  }
  await pushTrivyDb(registry.host).catch(async (error: unknown) => {
    await stopStarted()
    throw error
  })
  const toolCache = await mkdtemp(path.join(tmpdir(), 'vouch-e2e-tool-cache-'))
  const runners: RunnerDirs[] = []
  return {
    registry,
    mirror,
    key,
    downRegistry,
    dbRepository: `${downRegistry.host}/aquasec/trivy-db:2,${registry.host}/trivy-db:2`,
    toolCache,
    runners,
    close: async () => {
      await stopStarted()
      const folders = [toolCache, ...runners.map((runner) => runner.root)]
      await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
    },
  }
}

export interface PrivateRegistry {
  registry: StartedRegistry
  credentials: RegistryCredentials
}

/** A second registry behind basic auth (htpasswd), as a private registry is. */
export async function startPrivateRegistry(password: string): Promise<PrivateRegistry> {
  const credentials = { username: 'e2e-robot', password }
  return { registry: await startRegistry({ htpasswd: credentials }), credentials }
}

export interface VouchOptions {
  /** `v3` (default, cosign v3.0.6) or `v2` (cosign v2.6.1), both the tier's builds under their unpinned label. */
  cosign?: 'v3' | 'v2'
  /** Record the argv of every program the action starts (strace -f -e execve), in `argv`. */
  recordArgv?: boolean
  runner?: RunnerDirs
}

export interface VouchRun extends ActionRun {
  /** Every program the action started, with its argv (when recordArgv). */
  argv: string[][]
}

/** The inputs that install the real tools from the mirror and sign with the world's key, without a transparency log. */
export function baseInputs(world: E2eWorld, cosign: 'v3' | 'v2' = 'v3'): Record<string, string> {
  const released = releases()
  const cosignRelease = cosign === 'v3' ? released.cosign : released.cosignV2
  return {
    cache: 'false',
    'tools-mirror': world.mirror.url,
    'trivy-version': released.trivy.version,
    'trivy-sha256': released.trivy.sha256,
    'cosign-version': cosignRelease.version,
    'cosign-sha256': cosignRelease.sha256,
    'db-repository': world.dbRepository,
    'cosign-key': world.key.privateKey,
    'cosign-password': world.key.password,
    'tlog-upload': 'false',
  }
}

export async function runVouch(
  world: E2eWorld,
  inputs: Record<string, string>,
  options: VouchOptions = {},
): Promise<VouchRun> {
  const runner = options.runner ?? { ...(await newRunner()), toolCache: world.toolCache }
  world.runners.push(runner)
  const trace = path.join(runner.root, 'execve.trace')
  const run = await runAction({
    runner,
    inputs: { ...baseInputs(world, options.cosign), ...inputs },
    timeoutMs: 170_000,
    ...(options.recordArgv
      ? { wrapper: ['strace', '-f', '-qq', '-e', 'trace=execve', '-s', '65535', '-o', trace] }
      : {}),
  })
  return { ...run, argv: options.recordArgv ? parseExecve(await readFile(trace, 'utf8')) : [] }
}

/**
 * strace's `PID execve("/path", ["argv0", "arg", …], …) = 0` lines, as argv arrays (successful execs only). When
 * another process makes a call meanwhile (vouch runs cosign while Trivy starts), strace splits the line into
 * `PID execve(… <unfinished ...>` and a later `PID <... execve resumed>) = 0`; the pair counts as one exec, at the
 * place it finished (strace(1) 6.1, option -f: the ongoing call is marked unfinished, then resumed).
 */
export function parseExecve(trace: string): string[][] {
  const argv: string[][] = []
  const unfinished = new Map<string, string>()
  // strace prints the array with C escapes, which JSON reads for the characters tools are given here.
  const parse = (array: string): string[] => JSON.parse(array.replace(/\\x([0-9a-f]{2})/g, '\\u00$1')) as string[]
  for (const line of trace.split('\n')) {
    const started =
      /^(\d+) +execve\("(?:[^"\\]|\\.)*", (\[.*?\]), 0x[0-9a-f]+ \/\* \d+ vars \*\/ <unfinished \.\.\.>$/.exec(line)
    if (started !== null) {
      unfinished.set(started[1]!, started[2]!)
      continue
    }
    const resumed = /^(\d+) +<\.\.\. execve resumed>\) *= 0$/.exec(line)
    if (resumed !== null) {
      const array = unfinished.get(resumed[1]!)
      if (array !== undefined) argv.push(parse(array))
      unfinished.delete(resumed[1]!)
      continue
    }
    const match = /execve\("(?:[^"\\]|\\.)*", (\[.*?\]), 0x[0-9a-f]+ \/\* \d+ vars \*\/\) = 0$/.exec(line)
    if (match !== null) argv.push(parse(match[1]!))
  }
  return argv
}
