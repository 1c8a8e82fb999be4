// The action's inputs, read once at the edge and turned into one typed value. Every bad value is an
// InputError that names the input and quotes the value, thrown before anything is downloaded or run.
import { InputError } from './errors.js'
import { type ImageReference, parseReference, pinDigest, isDigest } from './image/reference.js'
import { SEVERITIES, type Budgets, type Severity } from './report/model.js'
import { checkRegistryPattern } from './image/allowed.js'

export type SignatureFormat = 'legacy' | 'bundle'

/** How cosign gets its key. PEM contents never reach argv; they go through an environment variable. */
export type CosignKey = { kind: 'keyless' } | { kind: 'pem'; pem: string } | { kind: 'uri'; uri: string }

export interface ToolRequest {
  /** A release tag, `v` + semver. */
  version: string
  /** A user-supplied sha256 (lower-case hex) for a version the action has no pin for. */
  sha256?: string
}

export interface RegistryCredentials {
  username: string
  password: string
}

export interface Inputs {
  /** The image, pinned to `digest` when that input was given. */
  image: ImageReference
  budgets: Budgets
  ignoreUnfixed: boolean
  ignoreFile?: string
  strictExceptions: boolean
  vex: string[]
  /** `all`, or the platforms to scan, such as linux/amd64 or linux/arm/v7. */
  platforms: 'all' | string[]
  allowedRegistries: string[]
  enforce: boolean
  sign: boolean
  attest: boolean
  cosignKey: CosignKey
  cosignPassword: string
  signatureFormat: SignatureFormat
  tlogUpload: boolean
  annotationKey: string
  /** Extra signed annotations, in the order given. */
  annotations: [string, string][]
  trivy: ToolRequest
  cosign: ToolRequest
  toolsMirror?: string
  dbRepositories: string[]
  cache: boolean
  registryCredentials?: RegistryCredentials
  outputDir: string
  summary: boolean
  /** Trivy scan timeout in seconds. */
  timeoutSeconds: number
}

/** Reads one input's raw string; `core.getInput` in the action, flags in the CLI. */
export type InputReader = (name: string) => string

export function readInputs(read: InputReader): Inputs {
  const get = (name: string): string => read(name).trim()
  const optional = (name: string): string | undefined => get(name) || undefined

  const digest = optional('digest')
  if (digest !== undefined && !isDigest(digest)) {
    throw new InputError('digest', digest, 'must be a manifest digest, sha256: and 64 lower-case hex digits')
  }
  const imageText = get('image')
  if (imageText === '') throw new InputError('image', imageText, 'is required')
  const parsed = parseReference(imageText, 'image')
  const image = digest === undefined ? parsed : pinDigest(parsed, digest, 'digest')

  const username = get('registry-username')
  const password = read('registry-password')
  if ((username === '') !== (password === '')) {
    const missing = username === '' ? 'registry-username' : 'registry-password'
    throw new InputError(missing, '', 'must be set together with its partner credential input')
  }

  const ignoreFile = optional('ignore-file')
  const toolsMirror = optional('tools-mirror')
  return {
    image,
    budgets: readBudgets(get),
    ignoreUnfixed: readBoolean(get, 'ignore-unfixed'),
    ...(ignoreFile === undefined ? {} : { ignoreFile }),
    strictExceptions: readBoolean(get, 'strict-exceptions'),
    vex: lines(read('vex')),
    platforms: readPlatforms(get('platforms')),
    allowedRegistries: lines(read('allowed-registries')).map((pattern) =>
      checkRegistryPattern(pattern, 'allowed-registries'),
    ),
    enforce: readBoolean(get, 'enforce'),
    sign: readBoolean(get, 'sign'),
    attest: readBoolean(get, 'attest'),
    cosignKey: readCosignKey(read('cosign-key')),
    cosignPassword: read('cosign-password'),
    signatureFormat: readSignatureFormat(get('signature-format')),
    tlogUpload: readBoolean(get, 'tlog-upload'),
    annotationKey: readAnnotationKey(get('annotation-key'), 'annotation-key'),
    annotations: readAnnotations(read('annotations')),
    trivy: readTool(get, 'trivy'),
    cosign: readTool(get, 'cosign'),
    ...(toolsMirror === undefined ? {} : { toolsMirror: readMirror(toolsMirror) }),
    dbRepositories: readDbRepositories(get('db-repository')),
    cache: readBoolean(get, 'cache'),
    ...(username === '' ? {} : { registryCredentials: { username, password } }),
    outputDir: readOutputDir(get('output-dir')),
    summary: readBoolean(get, 'summary'),
    timeoutSeconds: readDuration(get('timeout'), 'timeout'),
  }
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

// YAML 1.2 core schema booleans, exactly what core.getBooleanInput accepts.
const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

export function readBoolean(get: (name: string) => string, name: string): boolean {
  const value = get(name)
  if (TRUE.includes(value)) return true
  if (FALSE.includes(value)) return false
  throw new InputError(name, value, 'must be a YAML 1.2 boolean: true, True, TRUE, false, False or FALSE')
}

function readBudgets(get: (name: string) => string): Budgets {
  const entries = SEVERITIES.map((severity): [Severity, number | null] => {
    const name = `max-${severity.toLowerCase()}`
    const value = get(name)
    if (value === '') return [severity, null]
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InputError(name, value, 'must be a whole number ≥ 0, or empty for no limit')
    }
    return [severity, Number(value)]
  })
  return Object.fromEntries(entries) as Budgets
}

// os/arch[/variant], as in an OCI image index.
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/

function readPlatforms(value: string): 'all' | string[] {
  if (value === '' || value === 'all') return 'all'
  const platforms = value.split(',').map((platform) => platform.trim())
  for (const platform of platforms) {
    if (!PLATFORM.test(platform)) {
      throw new InputError(
        'platforms',
        value,
        `must be all or a comma list of os/arch[/variant] such as linux/amd64; ${JSON.stringify(platform)} is not one`,
      )
    }
  }
  return [...new Set(platforms)]
}

function readSignatureFormat(value: string): SignatureFormat {
  if (value === 'legacy' || value === 'bundle') return value
  throw new InputError('signature-format', value, 'must be legacy or bundle')
}

const KMS_SCHEMES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://', 'k8s://', 'env://']

function readCosignKey(raw: string): CosignKey {
  const value = raw.trim()
  if (value === '') return { kind: 'keyless' }
  if (value.startsWith('-----BEGIN ') && /-----END [A-Z ]+-----$/.test(value)) return { kind: 'pem', pem: value }
  if (KMS_SCHEMES.some((scheme) => value.startsWith(scheme))) {
    if (value.startsWith('env://') && !/^env:\/\/[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
      throw new InputError(
        'cosign-key',
        value,
        'env:// must name an environment variable, such as env://COSIGN_PRIVATE_KEY',
      )
    }
    if (/\s/.test(value)) throw new InputError('cosign-key', value, 'a KMS URI must not contain whitespace')
    return { kind: 'uri', uri: value }
  }
  // Never quote what may be a mangled private key.
  throw new InputError(
    'cosign-key',
    '<redacted>',
    `must be PEM contents, a KMS URI (${KMS_SCHEMES.join(', ')}) or empty for keyless`,
  )
}

// A Kubernetes annotation key: an optional DNS-subdomain prefix and a name of at most 63 characters.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/

const ANNOTATION_KEY_RULE =
  'must be a Kubernetes annotation key: [prefix/]name, prefix a DNS subdomain, name at most 63 of [A-Za-z0-9-_.]'

export function isAnnotationKey(value: string): boolean {
  const slash = value.indexOf('/')
  const prefix = slash === -1 ? '' : value.slice(0, slash)
  const name = slash === -1 ? value : value.slice(slash + 1)
  return (
    (slash === -1 || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) &&
    name.length <= 63 &&
    QUALIFIED_NAME.test(name)
  )
}

function readAnnotationKey(value: string, input: string): string {
  if (!isAnnotationKey(value)) throw new InputError(input, value, ANNOTATION_KEY_RULE)
  return value
}

function readAnnotations(text: string): [string, string][] {
  return lines(text).map((line): [string, string] => {
    const equals = line.indexOf('=')
    if (equals <= 0) throw new InputError('annotations', line, 'must be key=value lines')
    const key = line.slice(0, equals).trim()
    if (!isAnnotationKey(key)) throw new InputError('annotations', line, `keys ${ANNOTATION_KEY_RULE.slice(5)}`)
    const value = line.slice(equals + 1).trim()
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new InputError('annotations', line, 'values must not contain control characters')
    return [key, value]
  })
}

// Release tags only: v + semver. Nothing like `latest` or a branch.
const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/
/** Trivy releases published by the 2026 compromise; refused whatever hash is supplied. */
export const REFUSED_TRIVY_VERSIONS = ['v0.69.4', 'v0.69.5', 'v0.69.6']

function readTool(get: (name: string) => string, tool: 'trivy' | 'cosign'): ToolRequest {
  const version = get(`${tool}-version`)
  if (!RELEASE_TAG.test(version)) {
    throw new InputError(`${tool}-version`, version, 'must be a release tag: v and a semantic version, such as v1.2.3')
  }
  if (tool === 'trivy' && REFUSED_TRIVY_VERSIONS.includes(version)) {
    throw new InputError(
      'trivy-version',
      version,
      `is a compromised release and is refused (${REFUSED_TRIVY_VERSIONS.join(', ')})`,
    )
  }
  if (tool === 'cosign' && !/^v[23]\./.test(version)) {
    throw new InputError('cosign-version', version, 'must be a cosign v2.x or v3.x release')
  }
  const sha256 = get(`${tool}-sha256`).toLowerCase()
  if (sha256 === '') return { version }
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new InputError(`${tool}-sha256`, get(`${tool}-sha256`), 'must be a sha256: 64 hex digits')
  }
  return { version, sha256 }
}

function readMirror(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError('tools-mirror', value, 'must be an http or https URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('tools-mirror', value, 'must be an http or https URL')
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError('tools-mirror', value, 'must be a plain base URL without credentials, query or fragment')
  }
  return value.replace(/\/+$/, '')
}

// A DB location is an OCI repository with a tag: host[:port]/path:tag.
const DB_REPOSITORY = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_.-]+)?$/

function readDbRepositories(value: string): string[] {
  const repositories = value
    .split(',')
    .map((repository) => repository.trim())
    .filter((repository) => repository !== '')
  if (repositories.length === 0) throw new InputError('db-repository', value, 'must name at least one DB repository')
  for (const repository of repositories) {
    if (!DB_REPOSITORY.test(repository)) {
      throw new InputError(
        'db-repository',
        value,
        `must be a comma list of OCI repositories such as mirror.gcr.io/aquasec/trivy-db:2; ${JSON.stringify(repository)} is not one`,
      )
    }
  }
  return repositories
}

function readOutputDir(value: string): string {
  if (value === '') throw new InputError('output-dir', value, 'must be a directory path')
  if (/[\u0000-\u001f]/.test(value)) throw new InputError('output-dir', value, 'must not contain control characters')
  return value
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 }

/** `90s`, `10m`, `1h30m`: Go-style durations in whole seconds, minutes and hours. */
export function readDuration(value: string, input: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value)
  if (value === '' || match === null) {
    throw new InputError(input, value, 'must be a duration such as 90s, 10m or 1h30m')
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = match
  const total = Number(hours) * UNIT_SECONDS.h! + Number(minutes) * UNIT_SECONDS.m! + Number(seconds)
  if (total <= 0) throw new InputError(input, value, 'must be longer than zero')
  return total
}
