// cosign's command lines and environment for sign, attest and verify, built from data and nothing else. Secrets (the
// PEM, the password) travel in the environment; argv only ever names them, as env://COSIGN_PRIVATE_KEY.
import semver from 'semver'
import { InputError, SigningError } from '../errors.js'
import { cosignAnnotationProblem } from '../cluster/annotations.js'
import { PRIVATE_KEY_ENV, PUBLIC_KEY_ENV, type CosignKey, type KeylessIdentity } from './keys.js'
import { parsePinned, type Pinned } from '../image/reference.js'

/** `legacy`: a signature and attestation as OCI tags; `bundle`: a Sigstore bundle as an OCI referrer. */
export type SignatureFormat = 'legacy' | 'bundle'

export {
  GITHUB_OIDC_ISSUER,
  PRIVATE_KEY_ENV,
  PUBLIC_KEY_ENV,
  checkKeylessReady,
  cosignEnv,
  keylessIdentity,
  type KeylessIdentity,
} from './keys.js'

export const VULN_PREDICATE_TYPE = 'https://cosign.sigstore.dev/attestation/vuln/v1'

/** How a signature is checked: the public key (in COSIGN_PUBLIC_KEY), or a keyless identity. */
export type Verifier = { kind: 'public-key' } | ({ kind: 'keyless' } & KeylessIdentity)

interface CommonOptions {
  /** `registry/repo@sha256:…`: vouch signs and verifies the digest it scanned, never a tag. */
  image: string
  format: SignatureFormat
  tlogUpload: boolean
  cosignVersion: string
  /** The registry is on loopback and speaks plain HTTP. */
  insecureRegistry: boolean
}

export interface SignArgsOptions extends CommonOptions {
  annotations: [string, string][]
  key: CosignKey
  /** The digest is an index: sign each platform's manifest too. */
  recursive: boolean
}

export interface AttestArgsOptions extends CommonOptions {
  key: CosignKey
  predicateFile: string
}

export interface VerifyArgsOptions extends CommonOptions {
  verifier: Verifier
  /** Annotations the signature must carry; cosign refuses a signature without them (exit 12). */
  annotations: [string, string][]
}

export function signArgs(options: SignArgsOptions): string[] {
  const image = requireDigest(options.image)
  return [
    'sign',
    '--yes',
    ...keyFlags(options.key),
    ...signingFlags(options),
    ...registryFlags(options),
    ...(options.recursive ? ['--recursive'] : []),
    ...annotationFlags(options.annotations),
    image,
  ]
}

/**
 * `cosign attest` has no --recursive (cosign v2.6 and v3 dropped it): the attestation is about the digest scanned.
 * An image keeps one vuln attestation, because Kyverno requires every attestation of a type to pass a policy's
 * conditions. In the legacy format `--replace` does that: cosign v2.6.1 and v3.0.6 (cmd/cosign/cli/attest/attest.go,
 * pkg/cosign/remote/remote.go NewReplaceOp) drop the `.att` image's layers with the same predicate type before adding
 * the new one. The bundle format has no such step: attest.go returns through signcommon.WriteBundle, which writes
 * one more OCI referrer each time, before `c.Replace` is ever read.
 */
export function attestArgs(options: AttestArgsOptions): string[] {
  const image = requireDigest(options.image)
  return [
    'attest',
    '--yes',
    '--type',
    'vuln',
    '--predicate',
    options.predicateFile,
    ...(options.format === 'legacy' ? ['--replace'] : []),
    ...keyFlags(options.key),
    ...signingFlags(options),
    ...registryFlags(options),
    image,
  ]
}

export function verifyArgs(options: VerifyArgsOptions): string[] {
  return ['verify', ...verifyCommon(options, annotationFlags(options.annotations))]
}

export function verifyAttestationArgs(options: Omit<VerifyArgsOptions, 'annotations'>): string[] {
  return ['verify-attestation', ...verifyCommon(options, ['--type', 'vuln'])]
}

/** Prints the public half of a key pair or KMS key; the PEM comes from the environment. */
export function publicKeyArgs(key: CosignKey): string[] {
  if (key.kind === 'keyless') throw new SigningError('keyless signing has no key to derive a public key from')
  return ['public-key', ...keyFlags(key)]
}

/** Lists what is attached to the image, including OCI referrers: where a bundle-format signature is found. */
export function treeArgs(image: string, insecureRegistry: boolean): string[] {
  return ['tree', ...(insecureRegistry ? ['--allow-http-registry'] : []), requireDigest(image)]
}

/** Refuses a signature format the chosen cosign cannot produce, before anything is downloaded. */
export function checkFormatSupported(format: SignatureFormat, cosignVersion: string): void {
  const version = parseVersion(cosignVersion)
  if (version.major < 2) throw new InputError('cosign-version', cosignVersion, 'must be a cosign v2.x or v3.x release')
  if (format !== 'bundle') return
  if (version.major < 3) {
    throw new InputError(
      'signature-format',
      'bundle',
      `requires cosign v3 or later; cosign-version is ${cosignVersion}`,
    )
  }
  // cosign before 3.0.3 left `-a` annotations out of bundle signatures while reporting them verified
  // (sigstore/cosign#4504, fixed by #4508): the signed gate annotation would silently be missing.
  if (semver.lt(version, '3.0.3')) {
    throw new InputError(
      'signature-format',
      'bundle',
      `requires cosign v3.0.3 or later, whose bundles carry the signed annotations; cosign-version is ${cosignVersion}`,
    )
  }
}

/** Where a legacy signature is stored: the `sha256-<hex>.sig` tag beside the image, as `cosign triangulate` prints. */
export function legacySignatureTag(image: string): string {
  const { repository, digest } = splitPinned(image)
  return `${repository}:${digest.replace(':', '-')}.sig`
}

/** `repo@sha256:…` split in two; throws for anything that is not pinned to a digest. */
export function splitPinned(image: string): Pinned {
  const pinned = parsePinned(image)
  if (pinned === undefined) {
    throw new SigningError(
      `refusing to sign or verify ${JSON.stringify(image)}: cosign is only given repo@sha256:<digest>`,
    )
  }
  return pinned
}

/** A `cosign verify` line for the job summary, to paste into a shell: the public key is read from cosign.pub. */
export function verifyCommand(options: VerifyArgsOptions): string {
  const args = verifyArgs(options).map((arg) => (arg === `env://${PUBLIC_KEY_ENV}` ? 'cosign.pub' : arg))
  const withoutOutput = args.filter((arg, index) => !(arg === '--output' || args[index - 1] === '--output'))
  return ['cosign', ...withoutOutput].map(shellQuote).join(' ')
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`
}

export function cosignMajor(cosignVersion: string): number {
  return parseVersion(cosignVersion).major
}

function verifyCommon(options: Omit<VerifyArgsOptions, 'annotations'>, middle: string[]): string[] {
  const image = requireDigest(options.image)
  checkFormatSupported(options.format, options.cosignVersion)
  const verifier =
    options.verifier.kind === 'public-key'
      ? ['--key', `env://${PUBLIC_KEY_ENV}`]
      : ['--certificate-identity', options.verifier.identity, '--certificate-oidc-issuer', options.verifier.issuer]
  // cosign 3 verifies bundles by default and falls back to the legacy .sig only when the image has no bundle
  // (cmd/cosign/cli/verify/verify.go: `if len(newBundles) == 0 { co.NewBundleFormat = false }`), so a legacy
  // check must say so or a bundle left by another run would be checked instead. cosign 2 reads legacy by default.
  // Neither format needs --experimental-oci11: that flag stores legacy signatures as referrers, which vouch never does.
  const legacyOnV3 = options.format === 'legacy' && cosignMajor(options.cosignVersion) >= 3
  return [
    ...verifier,
    ...middle,
    '--output',
    'json',
    ...(legacyOnV3 ? ['--new-bundle-format=false'] : []),
    ...(options.tlogUpload ? [] : ['--insecure-ignore-tlog=true']),
    ...registryFlags(options),
    image,
  ]
}

function keyFlags(key: CosignKey): string[] {
  switch (key.kind) {
    case 'pem':
      return ['--key', `env://${PRIVATE_KEY_ENV}`]
    case 'uri':
      return ['--key', key.uri]
    case 'keyless':
      return []
  }
}

/**
 * Format and transparency-log flags for `sign` and `attest`.
 * - cosign 2 writes the legacy format by default; `--tlog-upload=false` skips Rekor.
 * - cosign 3 writes bundles with a TUF signing config by default. The legacy format needs
 *   `--new-bundle-format=false --use-signing-config=false` (a signing config refuses a non-bundle output).
 * - cosign 3 refuses `--tlog-upload=false` while a signing config is in use ("--tlog-upload=false is not supported
 *   with --signing-config or --use-signing-config", cmd/cosign/cli/signcommon LoadTrustedMaterialAndSigningConfig;
 *   sigstore/cosign#4686, #5043). Without one it still honours the flag, bundles included (the bundle is then
 *   written without a log entry), so tlog-upload: false adds `--use-signing-config=false` on cosign 3 whatever the
 *   format, rather than shipping a signing config with the Rekor services removed.
 */
function signingFlags(options: CommonOptions): string[] {
  checkFormatSupported(options.format, options.cosignVersion)
  const tlogOff = options.tlogUpload ? [] : ['--tlog-upload=false']
  if (cosignMajor(options.cosignVersion) < 3) return tlogOff
  if (options.format === 'legacy') return ['--new-bundle-format=false', '--use-signing-config=false', ...tlogOff]
  return options.tlogUpload ? [] : ['--use-signing-config=false', ...tlogOff]
}

function registryFlags(options: CommonOptions): string[] {
  return options.insecureRegistry ? ['--allow-http-registry'] : []
}

function annotationFlags(annotations: [string, string][]): string[] {
  return annotations.flatMap(([key, value]) => {
    // The input was checked before the network; this guards every value vouch signs, its own included.
    const problem = cosignAnnotationProblem(key, value)
    if (problem !== undefined) throw new InputError('annotations', `${key}=${value}`, problem)
    return ['-a', `${key}=${value}`]
  })
}

function requireDigest(image: string): string {
  splitPinned(image)
  return image
}

function parseVersion(cosignVersion: string): semver.SemVer {
  const version = semver.parse(cosignVersion)
  if (version === null) throw new InputError('cosign-version', cosignVersion, 'must be a release tag such as v3.0.6')
  return version
}
