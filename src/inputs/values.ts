// The rules for single input values that are more than a number or a boolean: keys, annotations, URLs,
// repositories, durations. Each bad value is an InputError naming the input and quoting the value.
import { InputError } from '../errors.js'
import { checkExtraAnnotations, cosignAnnotationProblem } from '../cluster/annotations.js'
import type { SignatureFormat } from '../cosign/args.js'
import type { CosignKey } from '../cosign/keys.js'

/** The non-blank lines of a multi-line input, trimmed. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

export function readSignatureFormat(value: string): SignatureFormat {
  if (value === 'legacy' || value === 'bundle') return value
  throw new InputError('signature-format', value, 'must be legacy or bundle')
}

const KMS_SCHEMES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://', 'k8s://', 'env://']

export function readCosignKey(raw: string): CosignKey {
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

export function readAnnotationKey(value: string, input: string): string {
  if (!isAnnotationKey(value)) throw new InputError(input, value, ANNOTATION_KEY_RULE)
  return value
}

/**
 * The `annotations` input: `key=value` lines, each a Kubernetes annotation key and a value cosign signs as written
 * (cosignAnnotationProblem), none of them a key vouch signs itself. Checked here, before anything is downloaded.
 */
export function readAnnotations(text: string, annotationKey: string): [string, string][] {
  const annotations = lines(text).map((line): [string, string] => {
    const equals = line.indexOf('=')
    if (equals <= 0) throw new InputError('annotations', line, 'must be key=value lines')
    const key = line.slice(0, equals).trim()
    if (!isAnnotationKey(key)) throw new InputError('annotations', line, `keys ${ANNOTATION_KEY_RULE.slice(5)}`)
    const value = line.slice(equals + 1).trim()
    const problem = cosignAnnotationProblem(key, value)
    if (problem !== undefined) throw new InputError('annotations', line, problem)
    return [key, value]
  })
  checkExtraAnnotations(annotationKey, annotations)
  return annotations
}

export function readMirror(value: string): string {
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

export function readDbRepositories(value: string): string[] {
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

export function readOutputDir(value: string): string {
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
