// Trivy's command lines and environment, built from data and nothing else. vouch decides what counts, so
// Trivy is never told about severities, unfixed findings, ignore files or exit codes: it only reports.
import { ScanError } from '../errors.js'
import { logSafe } from '../log-safe.js'
import { isDigest, parsePinned } from '../image/reference.js'

export interface ScanArgsOptions {
  /**
   * `registry/repo@sha256:…`: vouch scans digests only, never a tag that could move under it, and an index's images
   * each by their own digest, never by `--platform` (Trivy would take the first entry of that platform).
   */
  image: string
  outputFile: string
  /** Tried by Trivy in order; `--db-repository` takes them as one comma list. */
  dbRepositories: string[]
  cacheDir: string
  timeoutSeconds: number
  /** Local VEX files (or Trivy's own sources `repo`, `oci`); one `--vex` flag each. */
  vex: string[]
  /** The registry is on loopback and speaks plain HTTP. */
  insecure: boolean
  /** Use the DB already in `cacheDir`: a later platform of the same job, or the cached-DB fallback. */
  skipDbUpdate?: boolean
}

export function scanArgs(options: ScanArgsOptions): string[] {
  if (parsePinned(options.image) === undefined) {
    throw new ScanError(`refusing to scan ${JSON.stringify(options.image)}: Trivy is only given image@sha256:<digest>`)
  }
  if (!Number.isSafeInteger(options.timeoutSeconds) || options.timeoutSeconds <= 0) {
    throw new ScanError(`the Trivy timeout must be a whole number of seconds above 0; got ${options.timeoutSeconds}`)
  }
  if (options.dbRepositories.length === 0) throw new ScanError('no Trivy DB repository to download from')
  return [
    'image',
    '--format',
    'json',
    '--output',
    options.outputFile,
    '--scanners',
    'vuln',
    '--db-repository',
    options.dbRepositories.join(','),
    '--cache-dir',
    options.cacheDir,
    '--timeout',
    `${options.timeoutSeconds}s`,
    // The registry's copy only, never a local daemon's image of the same name (pkg/flag/image_flags.go SourceFlag,
    // values from pkg/fanal/types/image.go, v0.74.0: docker, containerd, podman, remote; all by default).
    '--image-src',
    'remote',
    // A repeated flag rather than a comma list: a path may hold a comma, and Trivy's docs repeat it.
    ...options.vex.flatMap((source) => ['--vex', source]),
    ...(options.insecure ? ['--insecure'] : []),
    ...(options.skipDbUpdate === true ? ['--skip-db-update'] : []),
    options.image,
  ]
}

/** `trivy --version --format json` prints the version and, when the cache holds one, the DB's metadata. */
export function versionArgs(cacheDir: string): string[] {
  return ['--version', '--format', 'json', '--cache-dir', cacheDir]
}

/** `trivy-<hex>.json`: named by the digest scanned, which no two images share (platform names can collide). */
export function reportFileName(digest: string): string {
  if (!isDigest(digest)) throw new ScanError(`no report file for ${JSON.stringify(digest)}`)
  return `trivy-${digest.slice('sha256:'.length)}.json`
}

/**
 * The command as a shell would read it, for the log; secrets never reach argv, so none reach this line, and each
 * argument is made log-safe, since an image reference or a path may carry what a registry chose.
 */
export function commandLine(command: string, args: string[]): string {
  return logSafe([command, ...args].map(quoteForLog).join(' '))
}

function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`
}
