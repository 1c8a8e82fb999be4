// Runs Trivy once per image: the image itself, or each image of an index by its own digest. The DB is fetched by the
// first run only, from each `db-repository` location in turn; a failed DB download is retried with backoff, then
// replaced by a cached DB younger than 7 days, else the scan is an error.
import * as core from '@actions/core'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { ScanError, errorMessage } from '../errors.js'
import type { Exec } from '../exec.js'
import { withDockerConfig } from '../image/docker-config.js'
import type { RegistryCredentials } from '../image/credentials.js'
import { retrying, type RetryPolicy } from '../retry.js'
import { commandLine, reportFileName, scanArgs } from './args.js'
import { trivyEnvironment, trivyExec } from './environment.js'
import {
  type DbMetadata,
  MAX_FALLBACK_AGE_HOURS,
  dbAgeHours,
  decideFallback,
  describeDbAge,
  downloadedFrom,
  isDbDownloadFailure,
  isJavaDbFailure,
  isScanTimeout,
  parseDbMetadata,
  stderrTail,
} from './db.js'

export interface TrivyScanOptions {
  trivyPath: string
  /** `registry/repo@sha256:…` of what is signed: the image, or the index. */
  image: string
  /** One Trivy run each, by digest: the image itself, or the images of the index. */
  images: TrivyImage[]
  outputDir: string
  cacheDir: string
  dbRepositories: string[]
  timeoutSeconds: number
  vex: string[]
  insecure: boolean
  /**
   * The user's registry credentials and the image's registry, the one registry Trivy may present them to: they
   * reach Trivy as a temporary docker config with that single entry, never as TRIVY_USERNAME/TRIVY_PASSWORD.
   */
  registryLogin?: { registry: string; credentials: RegistryCredentials }
  /** Where that docker config lives while Trivy runs (RUNNER_TEMP on a runner; the system's temp otherwise). */
  runnerTemp?: string
  exec: Exec
  /** The step's environment, from which Trivy's is taken by allowlist (trivyEnvironment); handed in, never read here. */
  stepEnv: Record<string, string | undefined>
  /** Variables Trivy must never get whatever the allowlist says: the one `cosign-key: env://NAME` names. */
  withheldEnv?: readonly string[]
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  /** Runs that may download the DB before falling back: `attempts` in all, waiting base, 2×base, 4×base… */
  retry?: RetryPolicy
}

/** One image to scan, pinned by its own digest. */
export interface TrivyImage {
  /** `registry/repo@sha256:<this image's digest>` */
  pinned: string
  digest: string
  /** How findings name it (`linux/arm64`); undefined for a single-platform image. */
  label?: string
}

export interface PlatformScan {
  /** The label of the image, as findings name it; undefined for a single-platform image. */
  platform?: string
  /** The digest Trivy scanned, which its report must name. */
  digest: string
  reportFile: string
  startedAt: Date
  finishedAt: Date
}

export interface DbState {
  /** When the DB in use was built, RFC 3339, from `<cache-dir>/db/metadata.json` after the scan. */
  updatedAt?: string
  /**
   * Where the DB came from: the mirror Trivy's log names (v0.57+), else the first of `db-repository`, since
   * Trivy tries them in order and says nothing when its cached DB was still fresh. Unknown after a fallback.
   */
  repository?: string
  usedCachedFallback: boolean
  ageHours?: number
}

export interface TrivyScanResult {
  scans: PlatformScan[]
  db: DbState
}

/** A scan error that carries what the user can do about it, apart from what went wrong. */
export class ScanFailure extends ScanError {
  constructor(
    readonly reason: string,
    override readonly remedy: string,
    options?: ErrorOptions,
  ) {
    super(`${reason} ${remedy}`, options)
  }
}

// Tries that may download the DB before falling back to a cached one: 2 s, then 4 s between them.
const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 2000 }

const DB_REMEDY =
  'Set `db-repository` to a mirror this runner can reach (for example a copy of ghcr.io/aquasecurity/trivy-db:2 ' +
  'in your own registry), and keep `cache: true` so that a DB younger than 7 days is reused when downloads fail.'

/** `<cache-dir>/db/metadata.json`, or the Java DB's `<cache-dir>/java-db/metadata.json`, which has the same fields. */
export async function readDbMetadata(cacheDir: string, dir: 'db' | 'java-db' = 'db'): Promise<DbMetadata | undefined> {
  try {
    return parseDbMetadata(await readFile(join(cacheDir, dir, 'metadata.json'), 'utf8'))
  } catch {
    return undefined
  }
}

export async function runTrivyScan(options: TrivyScanOptions): Promise<TrivyScanResult> {
  if (options.images.length === 0) throw new ScanError(`no image of ${options.image} to scan`)
  const now = options.now ?? (() => new Date())
  const outputDir = resolve(options.outputDir)
  const cacheDir = resolve(options.cacheDir)
  await mkdir(outputDir, { recursive: true })
  await mkdir(cacheDir, { recursive: true })
  // Trivy reads trivy.yaml and .trivyignore from its working directory; the workspace's must not filter the
  // report behind vouch's back (vouch applies `ignore-file` itself), so Trivy runs in an empty folder.
  const cwd = await mkdtemp(join(tmpdir(), 'vouch-trivy-'))
  const { registryLogin } = options
  try {
    return await withDockerConfig(
      registryLogin?.credentials,
      registryLogin?.registry ?? '',
      options.runnerTemp ?? options.stepEnv.RUNNER_TEMP ?? '',
      (dockerConfigDir) =>
        scanPlatforms(
          new Runner({ ...options, outputDir, cacheDir, vex: options.vex.map(absoluteVex) }, cwd, now, dockerConfigDir),
        ),
    )
  } finally {
    await rm(cwd, { recursive: true, force: true })
  }
}

async function scanPlatforms(run: Runner): Promise<TrivyScanResult> {
  const { options, now } = run
  const scans: PlatformScan[] = []
  for (const image of options.images) {
    scans.push(await core.group(`Trivy: ${imageTitle(image)}`, () => run.scan(image)))
  }
  const meta = await readDbMetadata(options.cacheDir)
  const repository = run.usedCachedFallback
    ? undefined
    : (run.downloadedFrom ?? run.firstTried ?? options.dbRepositories[0])
  return {
    scans,
    db: {
      usedCachedFallback: run.usedCachedFallback,
      ...(meta === undefined ? {} : { updatedAt: meta.updatedAt, ageHours: dbAgeHours(meta, now()) }),
      ...(repository === undefined ? {} : { repository }),
    },
  }
}

interface Outcome {
  exitCode: number
  stderr: string
  startedAt: Date
  finishedAt: Date
}

class Runner {
  /** Set once a run has the DB in the cache: later images pass `--skip-db-update`. */
  private dbReady = false
  usedCachedFallback = false
  downloadedFrom: string | undefined
  /** The first location of the run that got past the DB download, when Trivy stopped at an earlier one. */
  firstTried: string | undefined

  constructor(
    readonly options: TrivyScanOptions,
    private readonly cwd: string,
    readonly now: () => Date,
    /** vouch's docker config for the image's registry; undefined leaves Trivy the runner's own. */
    private readonly dockerConfigDir: string | undefined,
  ) {
    const environment = trivyEnvironment(options.stepEnv, {
      ...(dockerConfigDir === undefined ? {} : { dockerConfigDir }),
      ...(options.withheldEnv === undefined ? {} : { withheld: options.withheldEnv }),
    })
    this.exec = trivyExec(options.exec, environment)
  }

  /** Every Trivy run goes through this: Trivy's allowlisted environment, whatever else the step holds. */
  private readonly exec: Exec

  async scan(image: TrivyImage): Promise<PlatformScan> {
    const reportFile = join(this.options.outputDir, reportFileName(image.digest))
    const skipDbUpdate = this.dbReady
    let outcome = await retrying(() => this.downloadRound(image, reportFile, skipDbUpdate), {
      policy: this.options.retry ?? DEFAULT_RETRY,
      ...(this.options.sleep === undefined ? {} : { sleep: this.options.sleep }),
      retryable: (tried) => this.isRetryable(tried),
      onRetry: (_, delayMs, attempt, attempts) =>
        core.info(`Trivy could not download a DB; retrying in ${delayMs / 1000}s (attempt ${attempt} of ${attempts})`),
    })
    if (this.isRetryable(outcome) && !skipDbUpdate) outcome = await this.fallBack(image, reportFile, outcome)
    await this.check(outcome, image, reportFile)
    this.dbReady = true
    this.downloadedFrom ??= downloadedFrom(outcome.stderr)
    return {
      ...(image.label === undefined ? {} : { platform: image.label }),
      digest: image.digest,
      reportFile,
      startedAt: outcome.startedAt,
      finishedAt: outcome.finishedAt,
    }
  }

  /**
   * One pass over `db-repository`, in order. Trivy moves on to its next `--db-repository` by itself only after a
   * temporary registry error (408, 429, 5xx) or BLOB_UNKNOWN; at a location it cannot reach, or that holds no DB, it
   * stops with "failed to download artifact from <location>" (trivy v0.74.0 pkg/oci/artifact.go `Download`,
   * `shouldTryOtherRepo`). vouch then hands it the locations after that one, so every location is tried in order.
   */
  private async downloadRound(image: TrivyImage, reportFile: string, skipDbUpdate: boolean): Promise<Outcome> {
    let locations = this.options.dbRepositories
    let outcome = await this.invoke(image, reportFile, skipDbUpdate, locations)
    while (!skipDbUpdate && this.isRetryable(outcome)) {
      const stoppedAt = stoppedAtLocation(outcome.stderr, locations)
      if (stoppedAt === undefined || stoppedAt === locations.length - 1) break
      const rest = locations.slice(stoppedAt + 1)
      core.info(`Trivy could not download a DB from ${locations[stoppedAt]}; trying ${rest.join(', ')}`)
      locations = rest
      outcome = await this.invoke(image, reportFile, skipDbUpdate, locations)
    }
    if (locations !== this.options.dbRepositories && !this.isRetryable(outcome)) this.firstTried = locations[0]
    return outcome
  }

  private isRetryable(outcome: Outcome): boolean {
    return outcome.exitCode === 1 && !isScanTimeout(outcome.stderr) && isDbDownloadFailure(outcome.stderr)
  }

  /** Downloads failed every time: scan with the cached DB if it is recent enough, else give up. */
  private async fallBack(image: TrivyImage, reportFile: string, failed: Outcome): Promise<Outcome> {
    // --skip-db-update covers the vulnerability DB only; Trivy would fetch the Java DB again and fail again.
    if (isJavaDbFailure(failed.stderr)) throw this.dbFailure(failed)
    const decision = decideFallback(await readDbMetadata(this.options.cacheDir), this.now())
    if (!decision.use) {
      const limit = `${MAX_FALLBACK_AGE_HOURS / 24} days`
      throw this.dbFailure(
        failed,
        decision.reason === 'missing'
          ? 'there is no cached DB to fall back on'
          : `the cached DB is ${describeDbAge(decision.ageHours)} old (the limit is ${limit})`,
      )
    }
    core.warning(
      `Trivy could not download its vulnerability DB; scanning with the cached DB, built ${describeDbAge(decision.ageHours)} ago.`,
    )
    this.usedCachedFallback = true
    return this.invoke(image, reportFile, true)
  }

  private dbFailure(outcome: Outcome, noFallback?: string): ScanFailure {
    const attempts = (this.options.retry ?? DEFAULT_RETRY).attempts
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`
    const said = `Trivy said: ${stderrTail(outcome.stderr, 3)}`
    if (isJavaDbFailure(outcome.stderr)) {
      return new ScanFailure(
        `Trivy could not download its Java DB (${tries}). ${said}`,
        'Set TRIVY_JAVA_DB_REPOSITORY in the job environment to a mirror this runner can reach, and keep ' +
          '`cache: true` so that the Java DB is reused between runs.',
      )
    }
    const from = this.options.dbRepositories.join(', ')
    return new ScanFailure(
      `Trivy could not download its vulnerability DB from ${from} (${tries})` +
        `${noFallback === undefined ? '' : `, and ${noFallback}`}. ${said}`,
      DB_REMEDY,
    )
  }

  private async check(outcome: Outcome, image: TrivyImage, reportFile: string): Promise<void> {
    const target = imageTitle(image)
    if (outcome.exitCode === 0) {
      if (await isFile(reportFile)) return
      throw new ScanFailure(
        `Trivy exited 0 scanning ${target} but wrote no report at ${reportFile}.`,
        'This Trivy release may not behave as vouch expects; pin a supported `trivy-version`.',
      )
    }
    if (isScanTimeout(outcome.stderr)) {
      throw new ScanFailure(
        `Trivy did not finish scanning ${target} within the ${this.options.timeoutSeconds}s \`timeout\`.`,
        'Raise `timeout` (for example `timeout: 20m`): large images, and those with many JAR files, take longer.',
      )
    }
    if (this.isRetryable(outcome)) throw this.dbFailure(outcome)
    throw new ScanFailure(
      `Trivy failed scanning ${target} (exit code ${outcome.exitCode}): ${stderrTail(outcome.stderr, 10)}`,
      "Trivy's full output is in the log group above; check that the runner can pull the image with the given credentials.",
    )
  }

  private async invoke(
    image: TrivyImage,
    reportFile: string,
    skipDbUpdate: boolean,
    dbRepositories: string[] = this.options.dbRepositories,
  ): Promise<Outcome> {
    const { options } = this
    const args = scanArgs({
      image: image.pinned,
      outputFile: reportFile,
      dbRepositories,
      cacheDir: options.cacheDir,
      timeoutSeconds: options.timeoutSeconds,
      vex: options.vex,
      insecure: options.insecure,
      skipDbUpdate,
    })
    // A report left by an earlier run must not pass for this one's.
    await rm(reportFile, { force: true })
    core.info(`$ ${commandLine(options.trivyPath, args)}`)
    const startedAt = this.now()
    try {
      const result = await this.exec(options.trivyPath, args, { cwd: this.cwd, echo: true })
      return { exitCode: result.exitCode, stderr: result.stderr, startedAt, finishedAt: this.now() }
    } catch (error) {
      throw new ScanFailure(
        `Could not run Trivy at ${options.trivyPath}: ${errorMessage(error)}.`,
        'The Trivy install step did not leave a runnable binary; re-run the job, and report it if it persists.',
        { cause: error },
      )
    }
  }
}

/** `repo@sha256:… (linux/arm64)`: how the log group and the failure messages name one image. */
function imageTitle(image: TrivyImage): string {
  return image.label === undefined ? image.pinned : `${image.pinned} (${image.label})`
}

function absoluteVex(source: string): string {
  // Trivy's own sources and URLs are not paths; a relative path must survive Trivy's empty working folder.
  if (['repo', 'repository', 'oci', 'sbom-ref'].includes(source) || /^[a-z]+:\/\//i.test(source)) return source
  return isAbsolute(source) ? source : resolve(source)
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Which of `locations` Trivy gave up at without trying the rest, from its fatal "failed to download artifact from X". */
function stoppedAtLocation(stderr: string, locations: string[]): number | undefined {
  const stopped = /failed to download artifact from (?!any source)(\S+?): /.exec(stderr)?.[1]
  if (stopped === undefined) return undefined
  // Trivy names the location as go-containerregistry writes it, so a Docker Hub one gains `index.docker.io/`.
  const index = locations.findIndex((location) => location === stopped || stopped.endsWith(`/${location}`))
  return index === -1 ? undefined : index
}
