// The action's inputs, read once at the edge and turned into one typed value. Every bad value is an
// InputError that names the input and quotes the value, thrown before anything is downloaded or run.
import { InputError } from './errors.js'
import { type ImageReference, parseReference, pinDigest, isDigest } from './image/reference.js'
import { SEVERITIES, type Budgets, type Severity } from './report/model.js'
import { checkRegistryPattern } from './image/allowed.js'
import { isRefusedVersion, REFUSED_VERSIONS } from './tools/checksums.js'
import {
  lines,
  readAnnotationKey,
  readAnnotations,
  readCosignKey,
  readDbRepositories,
  readDuration,
  readMirror,
  readOutputDir,
  readSignatureFormat,
} from './inputs/values.js'
import type { CosignKey } from './cosign/keys.js'
import type { SignatureFormat } from './cosign/args.js'
import type { RegistryCredentials } from './image/credentials.js'
import type { ToolRequest } from './tools/request.js'

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

  const annotationKey = readAnnotationKey(get('annotation-key'), 'annotation-key')
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
    annotationKey,
    annotations: readAnnotations(read('annotations'), annotationKey),
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

// Release tags only: v + semver. Nothing like `latest` or a branch.
const RELEASE_TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/

function readTool(get: (name: string) => string, tool: 'trivy' | 'cosign'): ToolRequest {
  const version = get(`${tool}-version`)
  if (!RELEASE_TAG.test(version)) {
    throw new InputError(`${tool}-version`, version, 'must be a release tag: v and a semantic version, such as v1.2.3')
  }
  if (isRefusedVersion(tool, version)) {
    throw new InputError(
      `${tool}-version`,
      version,
      `is a compromised release and is refused, whatever its suffix (${REFUSED_VERSIONS[tool].join(', ')})`,
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
