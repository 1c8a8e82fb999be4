// A scripted stand-in for Trivy behind the Exec collaborator: each run takes the next step of a script, writes
// what real Trivy would (a real report, the DB metadata when it "downloads" the DB) and exits as told.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, vi } from 'vitest'
import type { Exec, ExecOptions } from '../../src/exec.js'
import type { TrivyScanOptions } from '../../src/trivy/run.js'

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url)

/** aquasecurity/trivy integration golden: what `trivy image --format json` writes. */
export const REPORT = fixture('trivy/json/alpine-310.json.golden')
/** aquasecurity/trivy pkg/commands/testdata/db/metadata.json: its UpdatedAt is when the DB was built. */
export const METADATA = fixture('trivy-db/metadata.json')
export const DB_BUILT_AT = Date.parse('2022-03-02T06:07:07.995Z')
export const hoursAfterBuild = (hours: number) => new Date(DB_BUILT_AT + hours * 3_600_000)

export const DIGEST = 'sha256:0d2a5f0b4d6c1e9f8a7b3c5d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f'
export const IMAGE = `127.0.0.1:5000/team/app@${DIGEST}`
/** The single-platform image as runTrivyScan takes it. */
export const SINGLE = { pinned: IMAGE, digest: DIGEST }
export const DB_REPOSITORIES = ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2']

/**
 * The Trivy-run options the runTrivyScan tests start from: the single image, the workspace's folders, the default
 * DB repositories and timeout, no VEX, the test process's environment and no waits. Each test names its Trivy.
 */
export function scanOptions(
  dirs: { outputDir: string; cacheDir: string },
  options: Pick<TrivyScanOptions, 'trivyPath' | 'exec' | 'now'> & Partial<TrivyScanOptions>,
): TrivyScanOptions {
  return {
    image: IMAGE,
    images: [SINGLE],
    outputDir: dirs.outputDir,
    cacheDir: dirs.cacheDir,
    dbRepositories: DB_REPOSITORIES,
    timeoutSeconds: 600,
    vex: [],
    insecure: true,
    stepEnv: process.env,
    sleep: async () => undefined,
    ...options,
  }
}

/** An image of an index: its own digest (`n` repeated), labelled by its platform. */
export function child(label: string, n: string) {
  const digest = `sha256:${n.repeat(64)}`
  return { pinned: `127.0.0.1:5000/team/app@${digest}`, digest, label }
}

// Real stderr, from the issues cited in db.test.ts.
export const RATE_LIMITED =
  '2024-10-15T14:30:19Z\tERROR\t[vulndb] Failed to download artifact\trepo="ghcr.io/aquasecurity/trivy-db:2" err="OCI repository error: 1 error occurred:\\n\\t* GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 127.702µs, allowed: 44000/minute\\n\\n"\n' +
  '2024-10-15T14:30:19Z\tFATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source\n'
// nmaguiar/imgutils .github/sec-latest.md: the Java DB, fetched mid-scan, rate-limited.
export const JAVA_DB_RATE_LIMITED =
  '2024-11-05T07:07:51Z\tERROR\t[javadb] Failed to download artifact\trepo="ghcr.io/aquasecurity/trivy-java-db:1" err="oci download error: failed to fetch the layer: GET https://ghcr.io/v2/aquasecurity/trivy-java-db/blobs/sha256:40faa1dc2f90a77c2af24a37179b8d634cbdcbe8621f334c829f7a3f188b94a9: TOOMANYREQUESTS: retry-after: 641.554µs, allowed: 44000/minute"\n' +
  '2024-11-05T07:07:51Z\tFATAL\tFatal error\timage scan error: scan error: scan failed: failed analysis: analyze error: pipeline error: failed to analyze layer (sha256:d59579b49b6ebed4ff511e346f4b8934ef9c99a3a0571719772ab6a2b5af6f2e): post analysis error: post analysis error: Unable to initialize the Java DB: Java DB update failed: OCI artifact error: failed to download Java DB: failed to download artifact from any source\n'
export const TIMED_OUT =
  '2024-12-22T11:48:03+01:00\tWARN\tProvide a higher timeout value, see https://aquasecurity.github.io/trivy/v0.58/docs/configuration\n' +
  '2024-12-22T11:48:03+01:00\tFATAL\tFatal error\trootfs scan error: scan error: scan failed: failed analysis: post analysis error: post analysis error: walk dir error: context deadline exceeded\n'
export const IMAGE_MISSING =
  '2024-01-19T08:15:33.288Z\tFATAL\timage scan error: scan error: unable to initialize a scanner: unable to initialize an image scanner: 4 errors occurred:\n' +
  '\t* remote error: GET https://index.docker.io/v2/ContainerImageName: MANIFEST_UNKNOWN: manifest unknown; unknown tag=0.1\n'
// aquasecurity/trivy#3857 (exit status 2).
export const PANIC =
  'panic: runtime error: invalid memory address or nil pointer dereference\n' +
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x2e43ec9]\n\n' +
  'goroutine 3793 [running]:\n' +
  'github.com/aquasecurity/trivy/pkg/fanal/analyzer/imgconf/dockerfile.(*historyAnalyzer).Analyze(0xc00179da00, {0x45b1858, 0xc000138000}, {{{0x0, 0x0}, {0x0, 0x0}, 0x0, 0x0}, 0xc00602ae00})\n'
export const DOWNLOADED_FROM_GCR =
  '2024-12-22T11:42:59+01:00\tINFO\t[vulndb] Downloading artifact...\trepo="mirror.gcr.io/aquasec/trivy-db:2"\n' +
  '2024-12-22T11:43:14+01:00\tINFO\t[vulndb] Artifact successfully downloaded\trepo="mirror.gcr.io/aquasec/trivy-db:2"\n'

export interface Step {
  exitCode: number
  stderr?: string
  /** Write the real report to `--output`. */
  writesReport?: boolean
  /** Write `<cache-dir>/db/metadata.json`, unless told `--skip-db-update`. */
  downloadsDb?: boolean
}

export const OK: Step = { exitCode: 0, writesReport: true, downloadsDb: true }

export interface Call {
  command: string
  args: string[]
  options: ExecOptions
  /** What the working directory held while Trivy ran. */
  cwdEntries: string[]
}

export function scriptedTrivy(steps: Step[]): { exec: Exec; calls: Call[] } {
  const calls: Call[] = []
  const script = [...steps]
  const exec: Exec = async (command, args, options = {}) => {
    const cwdEntries = options.cwd === undefined ? [] : await readdir(options.cwd)
    calls.push({ command, args, options, cwdEntries })
    const step = script.shift()
    if (step === undefined) throw new Error(`Trivy ran more often than scripted: ${args.join(' ')}`)
    const flag = (name: string) => args[args.indexOf(name) + 1] ?? ''
    if (step.downloadsDb === true && !args.includes('--skip-db-update')) await seedDb(flag('--cache-dir'))
    if (step.writesReport === true) await copyFile(REPORT, flag('--output'))
    return { exitCode: step.exitCode, stdout: '', stderr: step.stderr ?? '' }
  }
  return { exec, calls }
}

export async function seedDb(cacheDir: string): Promise<void> {
  await mkdir(join(cacheDir, 'db'), { recursive: true })
  await writeFile(join(cacheDir, 'db', 'metadata.json'), await readFile(METADATA))
}

export async function workspace(): Promise<{
  root: string
  outputDir: string
  cacheDir: string
  done(): Promise<void>
}> {
  const root = await mkdtemp(join(tmpdir(), 'vouch-trivy-test-'))
  return {
    root,
    outputDir: join(root, 'out'),
    cacheDir: join(root, 'cache'),
    done: () => rm(root, { recursive: true, force: true }),
  }
}

/** What the action printed: workflow commands (`::warning::`, `::group::`) and `core.info` lines. */
export function captureStdout(): { lines(): string[]; restore(): void } {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
  return {
    lines: () => written.join('').split('\n'),
    restore: () => spy.mockRestore(),
  }
}

export interface ScanScope {
  dirs: Awaited<ReturnType<typeof workspace>>
  stdout: ReturnType<typeof captureStdout>
}

/** A fresh workspace and captured stdout for each test of the file, cleaned up after it. */
export function useScanWorkspace(): ScanScope {
  const scope = {} as ScanScope
  beforeEach(async () => {
    scope.dirs = await workspace()
    scope.stdout = captureStdout()
  })
  afterEach(async () => {
    scope.stdout.restore()
    await scope.dirs.done()
  })
  return scope
}
