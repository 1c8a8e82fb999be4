// The whole environment Trivy runs with, built from an allowlist: what it needs to reach registries and the DB
// mirrors and to find its temp and cache folders, and nothing else. Trivy never sees cosign's settings, the
// variable that `cosign-key: env://NAME` names, the step's inputs or the runner's tokens, whatever the step holds.
import type { Exec } from '../exec.js'
import type { CosignKey } from '../cosign/keys.js'

// Variables Trivy (Go's net/http, crypto/x509, os.TempDir, os.UserHomeDir, the docker keychain) reads to work at
// all. Cloud SDK credentials (AWS_*, GOOGLE_*, AZURE_*) are not among them: they may be the very ones a KMS
// signing key needs, and Trivy gets registry access from a docker config or registry-username instead.
const NEEDED = new Set([
  'PATH',
  'HOME',
  'TMPDIR',
  'XDG_CACHE_HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'DOCKER_CONFIG',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
])

// What Go needs on a Windows runner (SystemRoot for networking, USERPROFILE for the home, TEMP, LOCALAPPDATA for the
// cache), where names are case-insensitive and Node keeps their case as written (`Path`, `SystemRoot`).
const WINDOWS = new Set([
  'PATH',
  'PATHEXT',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'USERPROFILE',
  'TEMP',
  'TMP',
  'LOCALAPPDATA',
  'APPDATA',
  'PROGRAMDATA',
])

// TRIVY_* variables the runner may carry that cannot change what is found or counted. Any other (TRIVY_SEVERITY,
// TRIVY_IGNOREFILE, TRIVY_SERVER, TRIVY_PLATFORM, TRIVY_SKIP_DB_UPDATE, …) would act as a flag and filter the
// report behind vouch's back (pkg/flag/options.go binds every flag to TRIVY_<NAME>, v0.74.0), so it stays out.
const HARMLESS_TRIVY = new Set([
  'TRIVY_DEBUG',
  'TRIVY_QUIET',
  'TRIVY_NO_PROGRESS',
  'TRIVY_TEMP_DIR',
  'TRIVY_JAVA_DB_REPOSITORY',
])

// Trivy presents these on every remote call, the DB downloads from mirror.gcr.io or ghcr.io included (pkg/remote
// authOptions), so vouch never uses them for the user's credentials; a runner's own are left to Trivy unless vouch
// hands it a docker config of its own.
const TRIVY_CREDENTIALS = new Set(['TRIVY_USERNAME', 'TRIVY_PASSWORD', 'TRIVY_REGISTRY_TOKEN'])

// The switches of the test suite's stand-in trivy (__tests__/fakes): no release of Trivy reads them, and the action
// never sets them, so they carry nothing of the step's into a real run.
const STAND_IN_SWITCHES = /^VOUCH_FAKE_[A-Z0-9_]+$/

export interface TrivyEnvironmentOptions {
  /** vouch's docker config holding the image registry's credentials alone (withDockerConfig). */
  dockerConfigDir?: string
  /** Variables that must never reach Trivy even if the allowlist names them: the `env://NAME` of `cosign-key`. */
  withheld?: readonly string[]
}

/** Trivy's complete environment, taken from the step's by allowlist. */
export function trivyEnvironment(
  step: Record<string, string | undefined>,
  options: TrivyEnvironmentOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(step)) {
    if (value === undefined || options.withheld?.includes(name) === true) continue
    const credentials = TRIVY_CREDENTIALS.has(name) && options.dockerConfigDir === undefined
    const needed = NEEDED.has(name) || WINDOWS.has(name.toUpperCase())
    if (needed || HARMLESS_TRIVY.has(name) || credentials || STAND_IN_SWITCHES.test(name)) env[name] = value
  }
  if (options.dockerConfigDir !== undefined) env.DOCKER_CONFIG = options.dockerConfigDir
  return { ...env, ...QUIET }
}

// Trivy calls home on every scan unless told not to (pkg/notification/notice.go: the request is skipped only when
// both are set, v0.74.0), and draws a progress bar into the log. As variables rather than flags, since a release
// older than these flags ignores an unknown TRIVY_* variable but refuses an unknown flag (pkg/flag/options.go binds
// each flag to TRIVY_<NAME>).
const QUIET: Record<string, string> = {
  TRIVY_SKIP_VERSION_CHECK: 'true',
  TRIVY_DISABLE_TELEMETRY: 'true',
  TRIVY_NO_PROGRESS: 'true',
}

/** The Exec every Trivy run goes through: whatever the caller asks, Trivy gets exactly `environment`. */
export function trivyExec(exec: Exec, environment: Record<string, string>): Exec {
  return (command, args, options = {}) => exec(command, args, { ...options, env: environment, replaceEnv: true })
}

/** The variable `cosign-key: env://NAME` names, which cosign reads and Trivy must never see. */
export function signingKeyVariables(key: CosignKey): string[] {
  return key.kind === 'uri' && key.uri.startsWith('env://') ? [key.uri.slice('env://'.length)] : []
}
