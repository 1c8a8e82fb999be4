// What cosign prints when it verifies, read back and held against what vouch just signed. cosign checking a
// signature is not enough: the payload it vouches for must name the scanned digest and carry the gate's annotations.
import { SigningError } from '../errors.js'
import { VULN_PREDICATE_TYPE } from './args.js'
import { isRecord } from '../json.js'
import { parsePinned } from '../image/reference.js'

/** `critical.type` of a legacy simple-signing payload, and the predicate type of a cosign 3 bundle signature. */
export const SIGNATURE_TYPES = {
  legacy: 'cosign container image signature',
  bundle: 'https://sigstore.dev/cosign/sign/v1',
} as const

/** One entry of `cosign verify --output json`, with cosign's varying key capitalisation folded. */
export interface VerifiedSignature {
  /** `sha256:<hex>`; some cosign versions print the bare hex, which is normalised here. */
  digest: string
  dockerReference: string
  type: string
  /** The signed `-a` annotations (plus, for keyless, the certificate's Subject, Issuer…). */
  optional: Record<string, string>
}

export interface InTotoStatement {
  predicateType: string
  subjects: { name: string; sha256?: string }[]
}

/** Reads cosign's JSON array (or the older one-object-per-line output) of verified payloads. */
export function parseVerifiedSignatures(stdout: string): VerifiedSignature[] {
  return jsonDocuments(stdout).flatMap((document) => (Array.isArray(document) ? document : [document]).map(toSignature))
}

/** Throws unless one verified payload names `digest`, has the format's type and carries every annotation. */
export function checkVerifiedSignature(
  verified: VerifiedSignature[],
  expected: { digest: string; annotations: [string, string][]; format: keyof typeof SIGNATURE_TYPES },
): VerifiedSignature {
  const type = SIGNATURE_TYPES[expected.format]
  const match = verified.find(
    (signature) =>
      signature.digest === expected.digest &&
      signature.type === type &&
      expected.annotations.every(([key, value]) => signature.optional[key] === value),
  )
  if (match !== undefined) return match
  const seen = verified.map((s) => `${s.type} for ${s.digest || 'no digest'} (${describe(s.optional)})`)
  throw new SigningError(
    `cosign verified ${verified.length} signature(s), but none is a ${expected.format} signature of ` +
      `${expected.digest} carrying ${describe(Object.fromEntries(expected.annotations))}` +
      (seen.length > 0 ? `; it verified: ${seen.join('; ')}` : ''),
  )
}

/** Reads the DSSE envelopes `cosign verify-attestation` prints, one JSON object per line, into their statements. */
export function parseAttestationStatements(stdout: string): InTotoStatement[] {
  return jsonDocuments(stdout).flatMap((document) =>
    (Array.isArray(document) ? document : [document]).map((envelope) => {
      const payload = isRecord(envelope) && typeof envelope.payload === 'string' ? envelope.payload : undefined
      if (payload === undefined)
        throw new SigningError('cosign verify-attestation printed an envelope without a payload')
      let statement: unknown
      try {
        statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))
      } catch {
        throw new SigningError('cosign verify-attestation printed a payload that is not base64 JSON')
      }
      return toStatement(statement)
    }),
  )
}

/** Throws unless a verified statement is a vuln attestation whose subject is the scanned digest. */
export function checkVerifiedAttestation(statements: InTotoStatement[], digest: string): InTotoStatement {
  const hex = digest.replace(/^sha256:/, '')
  const match = statements.find(
    (statement) =>
      statement.predicateType === VULN_PREDICATE_TYPE && statement.subjects.some((subject) => subject.sha256 === hex),
  )
  if (match !== undefined) return match
  const seen = statements.map((s) => `${s.predicateType} for ${s.subjects.map((x) => x.sha256 ?? '?').join(',')}`)
  throw new SigningError(
    `cosign verified ${statements.length} attestation(s), but none is a ${VULN_PREDICATE_TYPE} attestation of ${digest}` +
      (seen.length > 0 ? `; it verified: ${seen.join('; ')}` : ''),
  )
}

/** The OCI referrers `cosign tree` lists: `└── 🔗 <type> artifacts via OCI referrer: <repo>@sha256:…`. */
export function parseTreeReferrers(stdout: string): { type: string; reference: string }[] {
  const referrers: { type: string; reference: string }[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const match = /(\S+) artifacts via OCI referrer: (\S+)\s*$/.exec(line)
    if (match !== null && parsePinned(match[2]!) !== undefined)
      referrers.push({ type: match[1]!, reference: match[2]! })
  }
  return referrers
}

/**
 * A failure worth another try: Rekor, Fulcio or the registry was rate limiting (429) or failing (5xx), or the
 * connection dropped. Anything else (a bad key, a refused signature, a missing image) fails the same way again.
 */
export function isTransientFailure(stderr: string): boolean {
  return [
    /\]\[(?:429|5\d\d)\]/, // go-swagger clients (Rekor): `[POST /api/v1/log/entries][429]`
    /\b(?:status(?: code)?|HTTP) (?:429|5\d\d)\b/i,
    /\b(?:429|50[0234]) (?:Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
    /TOOMANYREQUESTS|too many requests|rate limit/i,
    /giving up after \d+ attempt/,
    /connection reset by peer|i\/o timeout|TLS handshake timeout|unexpected EOF/,
  ].some((pattern) => pattern.test(stderr))
}

/** The last lines of cosign's stderr that say what went wrong, for an error message. */
export function cosignFailure(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const errors = lines.filter((line) => /^(?:Error|error during command execution)\b/.test(line))
  return (errors.length > 0 ? errors : lines.slice(-3)).join(' ').slice(0, 2000) || 'no output'
}

function jsonDocuments(stdout: string): unknown[] {
  const text = stdout.trim()
  if (text === '') return []
  try {
    return [JSON.parse(text)]
  } catch {
    // One document per line, with cosign's occasional non-JSON chatter in between.
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.startsWith('{') || line.startsWith('['))
      .map((line) => {
        try {
          return JSON.parse(line) as unknown
        } catch {
          throw new SigningError(`cosign printed output that is not JSON: ${line.slice(0, 200)}`)
        }
      })
  }
}

function toSignature(entry: unknown): VerifiedSignature {
  const critical = field(entry, 'critical')
  const digest = stringField(field(critical, 'image'), 'docker-manifest-digest')
  const optional = field(entry, 'optional')
  return {
    digest: digest === '' || digest.includes(':') ? digest : `sha256:${digest}`,
    dockerReference: stringField(field(critical, 'identity'), 'docker-reference'),
    type: stringField(critical, 'type'),
    optional: isRecord(optional)
      ? Object.fromEntries(Object.entries(optional).map(([key, value]) => [key, stringOf(value)]))
      : {},
  }
}

function toStatement(statement: unknown): InTotoStatement {
  const subjects = field(statement, 'subject')
  return {
    predicateType: stringField(statement, 'predicateType'),
    subjects: (Array.isArray(subjects) ? subjects : []).map((subject) => {
      const sha256 = stringField(field(subject, 'digest'), 'sha256')
      return { name: stringField(subject, 'name'), ...(sha256 === '' ? {} : { sha256 }) }
    }),
  }
}

// cosign's Go structs print `critical`/`Critical`, `docker-manifest-digest`/`Docker-manifest-digest`.
function field(value: unknown, name: string): unknown {
  if (!isRecord(value)) return undefined
  const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : value[key]
}

function stringField(value: unknown, name: string): string {
  const found = field(value, name)
  return typeof found === 'string' ? found : ''
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function describe(annotations: Record<string, string>): string {
  const entries = Object.entries(annotations)
  return entries.length === 0 ? 'no annotations' : entries.map(([key, value]) => `${key}=${value}`).join(', ')
}
