// The cosign adapter: sign the scanned digest only when the verdict passed, attach the scan as a vuln attestation,
// and verify both (what cosign checked, and what the payload says) before reporting success.
import * as core from '@actions/core'
import { SigningError, errorMessage } from '../errors.js'
import type { Exec } from '../exec.js'
import type { RegistryCredentials } from '../image/credentials.js'
import type { SignatureFormat } from './args.js'
import type { CosignKey } from './keys.js'
import {
  PUBLIC_KEY_ENV,
  attestArgs,
  checkKeylessReady,
  cosignEnv,
  legacySignatureTag,
  publicKeyArgs,
  signArgs,
  splitPinned,
  verifyCommand,
  type KeylessIdentity,
  type VerifyArgsOptions,
} from './args.js'
import { withDockerConfig } from '../image/docker-config.js'
import { cosignRunner, type CosignRunner } from './command.js'
import { maskSecrets } from '../secrets.js'
import type { RetryPolicy } from '../retry.js'
import type { PassedVerdict } from '../report/verdict.js'
import { findBundleSignature, signatureReferrers, verifyAttestation, verifySignature } from './verify.js'

export interface SigningOptions {
  cosignPath: string
  cosignVersion: string
  /** `registry/repo@sha256:…`, the digest that was scanned. */
  image: string
  /** The digest is a multi-platform index: each platform's manifest is signed too. */
  isIndex: boolean
  /** The gate's decision: the type admits only a passed verdict, so a caller must have checked it. */
  verdict: PassedVerdict
  sign: boolean
  attest: boolean
  key: CosignKey
  password: string
  format: SignatureFormat
  tlogUpload: boolean
  /** Signed into the payload: the gate annotation, the budgets, the scanner, then the user's extras. */
  annotations: [string, string][]
  predicateFile: string
  credentials?: RegistryCredentials
  registry: string
  insecureRegistry: boolean
  runnerTemp: string
  /** Where GITHUB_WORKFLOW_REF and the OIDC request variables are read from. */
  env: NodeJS.ProcessEnv
  exec: Exec
  sleep?: (ms: number) => Promise<void>
  /** Tries per cosign call for rate limits and 5xx answers, and the first back-off (doubled each time). */
  retry?: RetryPolicy
}

export interface SigningResult {
  signed: boolean
  /** The `.sig` tag (legacy), or the bundle's referrer `repo@sha256:…` (bundle). */
  signature?: string
  attested: boolean
  /** The signature (and the attestation, when made) verified and their payloads matched. */
  verified: boolean
  /** A `cosign verify` line for the summary. */
  verifyCommand?: string
  /** Keyless: who the certificate names. */
  identity?: KeylessIdentity
  /** Key signing: the public key, for the summary and for `cosign.pub`. */
  publicKey?: string
}

/** A signing failure that still knows how far it got: the signature may exist even though verification failed. */
export class SigningFailure extends SigningError {
  constructor(
    message: string,
    readonly result: SigningResult,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }

  get signature(): string | undefined {
    return this.result.signature
  }
}

const NOT_SIGNED: SigningResult = { signed: false, attested: false, verified: false }

export async function signAndAttest(options: SigningOptions): Promise<SigningResult> {
  // FAIL CLOSED. The gate is main.ts's check, carried here by the PassedVerdict type; this is its backstop for a
  // value forced past the type (from JavaScript, or a cast): nothing below runs for it, nor when `sign` is off.
  if ((options.verdict.status as string) !== 'passed' || options.sign !== true) return { ...NOT_SIGNED }

  const { digest } = splitPinned(options.image)
  // The format was checked against this cosign release once, in the run's plan before the network; the argument
  // builders (signArgs, attestArgs, verifyArgs) refuse an impossible pair for any other caller, before it is signed.
  // Before anything is signed: a keyless run without `id-token: write` fails here, with the fix in the message.
  const identity = checkKeylessReady(options.key, options.env)
  maskSecrets({ key: options.key, password: options.password, credentials: options.credentials })
  if (identity !== undefined && !options.tlogUpload) {
    core.warning(
      'Keyless signing with tlog-upload: false: without a transparency-log entry the short-lived certificate ' +
        'cannot be verified once it expires (about 10 minutes), so a cluster will not admit this image later.',
    )
  }

  return withDockerConfig(options.credentials, options.registry, options.runnerTemp, async (dockerConfigDir) => {
    const cosign = cosignRunner({
      exec: options.exec,
      cosignPath: options.cosignPath,
      env: cosignEnv({
        key: options.key,
        password: options.password,
        ...(dockerConfigDir ? { dockerConfigDir } : {}),
        ...(identity === undefined ? {} : { oidcRequest: oidcRequest(options.env) }),
      }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    })
    const result: SigningResult = { ...NOT_SIGNED, ...(identity === undefined ? {} : { identity }) }
    try {
      await signAttestVerify(options, cosign, digest, identity, result)
      return result
    } catch (error) {
      throw new SigningFailure(failureMessage(options.image, result, error), result, { cause: error })
    }
  })
}

async function signAttestVerify(
  options: SigningOptions,
  cosign: CosignRunner,
  digest: string,
  identity: KeylessIdentity | undefined,
  result: SigningResult,
): Promise<void> {
  const publicKey = identity === undefined ? await derivePublicKey(cosign, options.key) : undefined
  if (publicKey !== undefined) result.publicKey = publicKey
  const verifyEnv: Record<string, string> = publicKey === undefined ? {} : { [PUBLIC_KEY_ENV]: publicKey }
  const common = {
    image: options.image,
    format: options.format,
    tlogUpload: options.tlogUpload,
    cosignVersion: options.cosignVersion,
    insecureRegistry: options.insecureRegistry,
  }
  const verifyOptions: VerifyArgsOptions = {
    ...common,
    verifier: identity === undefined ? { kind: 'public-key' } : { kind: 'keyless', ...identity },
    annotations: options.annotations,
  }
  result.verifyCommand = verifyCommand(verifyOptions)
  const expected = { digest, annotations: options.annotations, format: options.format }
  const referrersBefore = options.format === 'bundle' ? await signatureReferrers(cosign, options) : []

  // Idempotent reruns: cosign would add a second identical signature, so a signature that already verifies with
  // this key (or identity) and these exact annotations is reported instead of made again.
  const existing = await verifySignature(cosign, verifyOptions, verifyEnv, expected, { probe: true })
  if (existing) {
    core.info(`${options.image} already carries a verified signature with these annotations; not signing it again`)
  } else {
    await cosign.run(
      'sign',
      signArgs({ ...common, annotations: options.annotations, key: options.key, recursive: options.isIndex }),
    )
  }
  result.signed = true
  const signature =
    options.format === 'legacy'
      ? legacySignatureTag(options.image)
      : await findBundleSignature(cosign, options, referrersBefore)
  if (signature !== undefined) result.signature = signature

  if (options.attest) {
    // Every run attests its own scan: a new scan is a new fact. The legacy format replaces the earlier one (attestArgs).
    await cosign.run('attest', attestArgs({ ...common, key: options.key, predicateFile: options.predicateFile }))
    result.attested = true
  }
  await verifySignature(cosign, verifyOptions, verifyEnv, expected, { probe: false })
  if (options.attest) await verifyAttestation(cosign, verifyOptions, verifyEnv, digest)
  result.verified = true
}

async function derivePublicKey(cosign: CosignRunner, key: CosignKey): Promise<string> {
  const { stdout } = await cosign.run('public-key', publicKeyArgs(key))
  const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(stdout)?.[0]
  if (pem === undefined) throw new SigningError('cosign public-key printed no PEM public key')
  return `${pem}\n`
}

/** Present: checkKeylessReady refused to go on without them. */
function oidcRequest(env: NodeJS.ProcessEnv): { url: string; token: string } {
  return { url: env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '', token: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '' }
}

function failureMessage(image: string, result: SigningResult, error: unknown): string {
  if (!result.signed) return `Signing ${image} failed: ${errorMessage(error)}`
  const where = result.signature === undefined ? '' : ` (signature: ${result.signature})`
  return `${image} was signed${where}, but then: ${errorMessage(error)}`
}
