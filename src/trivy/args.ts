// Trivy's command lines and environment, built from data and nothing else. vouch decides what counts, so
// Trivy is never told about severities, unfixed findings, ignore files or exit codes: it only reports.
import { ScanError } from '../errors.js'

export interface ScanArgsOptions {
  /** `registry/repo@sha256:…`: vouch scans digests only, never a tag that could move under it. */
  image: string
  outputFile: string
  /** Tried by Trivy in order; `--db-repository` takes them as one comma list. */
  dbRepositories: string[]
  cacheDir: string
  timeoutSeconds: number
  /** `os/arch[/variant]` of one image of a multi-platform index. */
  platform?: string
  /** Local VEX files (or Trivy's own sources `repo`, `oci`); one `--vex` flag each. */
  vex: string[]
  /** The registry is on loopback and speaks plain HTTP. */
  insecure: boolean
  /** Use the DB already in `cacheDir`: a later platform of the same job, or the cached-DB fallback. */
  skipDbUpdate?: boolean
}

const PINNED = /@sha256:[0-9a-f]{64}$/

export function scanArgs(options: ScanArgsOptions): string[] {
  if (!PINNED.test(options.image)) {
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
    ...(options.platform === undefined ? [] : ['--platform', options.platform]),
    // A repeated flag rather than a comma list: a path may hold a comma, and Trivy's docs repeat it.
    ...options.vex.flatMap((source) => ['--vex', source]),
    ...(options.insecure ? ['--insecure'] : []),
    ...(options.skipDbUpdate === true ? ['--skip-db-update'] : []),
    options.image,
  ]
}

// TRIVY_* variables the runner may carry that cannot change what is found or counted. Every other TRIVY_*
// variable (TRIVY_SEVERITY, TRIVY_IGNOREFILE, TRIVY_SERVER, TRIVY_PLATFORM, TRIVY_SKIP_DB_UPDATE, …) is
// blanked, because Trivy reads them as flags and they would filter the report behind vouch's back. Trivy
// (viper) treats an empty variable as unset.
const HARMLESS = new Set([
  'TRIVY_DEBUG',
  'TRIVY_QUIET',
  'TRIVY_NO_PROGRESS',
  'TRIVY_TEMP_DIR',
  'TRIVY_JAVA_DB_REPOSITORY',
])
// Trivy presents these on every remote call, the DB downloads from mirror.gcr.io or ghcr.io included
// (pkg/remote authOptions), so vouch never uses them to hand over the user's registry credentials.
const CREDENTIAL_VARIABLES = ['TRIVY_USERNAME', 'TRIVY_PASSWORD', 'TRIVY_REGISTRY_TOKEN']

/**
 * The variables to add to Trivy's environment. `dockerConfigDir` is a docker config holding the user's registry
 * credentials for the image's registry alone (see withDockerConfig): Trivy's keychain reads
 * `$DOCKER_CONFIG/config.json` and offers each registry only its own entry, so the DB mirrors never see the
 * password, and nothing reaches argv. `inherited` is the runner's environment, whose stray TRIVY_* settings
 * are blanked; without a config of vouch's, the runner's own Trivy credentials and docker config stay.
 */
export function scanEnv(
  dockerConfigDir?: string,
  inherited: Record<string, string | undefined> = {},
): Record<string, string> {
  const blanked = Object.keys(inherited)
    .filter(
      (name) =>
        (name.startsWith('TRIVY_') && !HARMLESS.has(name)) ||
        // Trivy has no use for cosign's settings, and a workflow-level COSIGN_PASSWORD is a secret.
        name.startsWith('COSIGN_'),
    )
    // Credentials the runner already gives Trivy stay, unless vouch hands it its own: they would go everywhere.
    .filter((name) => dockerConfigDir !== undefined || !CREDENTIAL_VARIABLES.includes(name))
    .map((name): [string, string] => [name, ''])
  return {
    ...Object.fromEntries(blanked),
    ...(dockerConfigDir === undefined ? {} : { DOCKER_CONFIG: dockerConfigDir }),
  }
}

/** `trivy --version --format json` prints the version and, when the cache holds one, the DB's metadata. */
export function versionArgs(cacheDir: string): string[] {
  return ['--version', '--format', 'json', '--cache-dir', cacheDir]
}

/** `trivy.json` for a single-platform image, `trivy-linux-arm-v7.json` for one platform of an index. */
export function reportFileName(platform: string | undefined): string {
  return platform === undefined ? 'trivy.json' : `trivy-${platform.replaceAll('/', '-')}.json`
}

/** The command as a shell would read it, for the log; secrets never reach argv, so none reach this line. */
export function commandLine(command: string, args: string[]): string {
  return [command, ...args].map(quoteForLog).join(' ')
}

function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`
}
