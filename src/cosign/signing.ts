// The cosign adapter: sign the scanned digest only when the verdict passed, attach the scan as a vuln attestation,
// and verify both (what cosign checked, and what the payload says) before reporting success. A session starts before
// the verdict is known so that its look-ahead (look-ahead.ts) overlaps the scan; nothing signs before `finish`.
import * as core from '@actions/core'
import { SigningError, errorMessage } from '../errors.js'
import type { Exec } from '../exec.js'
import type { RegistryCredentials } from '../image/credentials.js'
import type { SignatureFormat } from './args.js'
import type { CosignKey } from './keys.js'
import {
  attestArgs,
  checkKeylessReady,
  cosignEnv,
  legacySignatureTag,
  signArgs,
  splitPinned,
  type KeylessIdentity,
} from './args.js'
import { withDockerConfig } from '../image/docker-config.js'
import { cosignRunner, heldLog, sideBySide, stepLog, type CosignRunner, type HeldLog } from './command.js'
import { commonArgs, lookAhead, type LookAhead } from './look-ahead.js'
import { maskSecrets } from '../secrets.js'
import type { RetryPolicy } from '../retry.js'
import type { PassedVerdict } from '../report/verdict.js'
import { findBundleSignature, verifyAttestation, verifySignature } from './verify.js'

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
  const session = startSigning(options)
  try {
    return await session.finish(options.verdict, options.predicateFile)
  } finally {
    await session.close()
  }
}

/** What signing needs before the verdict is known: everything but the verdict and the predicate it attests. */
export type SessionOptions = Omit<SigningOptions, 'verdict' | 'predicateFile'>

/**
 * A signing started before the scan ends. It looks ahead at once with calls that change nothing (the public key,
 * an earlier signature with these annotations, a bundle's referrers), logging into a held log; `finish` prints that
 * log and signs, for a passed verdict only. A look-ahead failure surfaces in `finish` as it would have there, and
 * never otherwise. `close` must follow, whatever happened: it waits for the look-ahead and removes the docker config.
 */
export interface SigningSession {
  finish(verdict: PassedVerdict, predicateFile: string): Promise<SigningResult>
  close(): Promise<void>
}

export function startSigning(options: SessionOptions): SigningSession {
  const log = heldLog()
  let release = (): void => undefined
  const released = new Promise<void>((resolve) => (release = resolve))
  const { ready, done } = lookAheadUntil(options, log, released)
  // Answered in finish, or never: a failed verdict must not fail on the look-ahead.
  ready.catch(() => undefined)
  let finished = false
  return {
    async finish(verdict, predicateFile) {
      // The same backstop as signAndAttest's: no signing for a verdict forced past the type.
      if ((verdict.status as string) !== 'passed' || options.sign !== true) return { ...NOT_SIGNED }
      finished = true
      log.printTo(stepLog)
      const { cosign, identity, lookAhead, result } = await ready
      if (identity !== undefined && !options.tlogUpload) {
        core.warning(
          'Keyless signing with tlog-upload: false: without a transparency-log entry the short-lived certificate ' +
            'cannot be verified once it expires (about 10 minutes), so a cluster will not admit this image later.',
        )
      }
      try {
        await signAttestVerify(options, cosign, lookAhead, predicateFile, result)
        return result
      } catch (error) {
        throw new SigningFailure(failureMessage(options.image, result, error), result, { cause: error })
      }
    },
    async close() {
      release()
      await done
      // Calls whose answers no signing used: still in the log, one level down.
      if (!finished) log.printTo({ info: core.debug, warning: core.debug, debug: core.debug })
    },
  }
}

interface Ready {
  cosign: CosignRunner
  identity: KeylessIdentity | undefined
  lookAhead: LookAhead
  result: SigningResult
}

/** `ready` once the look-ahead is done; `done` (never rejected) once the docker config is gone, after `released`. */
function lookAheadUntil(
  options: SessionOptions,
  log: HeldLog,
  released: Promise<void>,
): { ready: Promise<Ready>; done: Promise<void> } {
  const { digest } = splitPinned(options.image)
  // The format was checked against this cosign release once, in the run's plan before the network; the argument
  // builders (signArgs, attestArgs, verifyArgs) refuse an impossible pair for any other caller, before it is signed.
  // Before anything is signed: a keyless run without `id-token: write` fails here, with the fix in the message.
  let identity: KeylessIdentity | undefined
  try {
    identity = checkKeylessReady(options.key, options.env)
  } catch (error) {
    return { ready: Promise.reject(error as Error), done: Promise.resolve() }
  }
  maskSecrets({ key: options.key, password: options.password, credentials: options.credentials })
  let answer: { resolve: (ready: Ready) => void; reject: (error: unknown) => void } | undefined
  const ready = new Promise<Ready>((resolve, reject) => (answer = { resolve, reject }))
  const done = withDockerConfig(options.credentials, options.registry, options.runnerTemp, async (dockerConfigDir) => {
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
      log,
    })
    const result: SigningResult = { ...NOT_SIGNED, ...(identity === undefined ? {} : { identity }) }
    try {
      answer?.resolve({
        cosign,
        identity,
        result,
        lookAhead: await lookAhead(options, cosign, digest, identity, result),
      })
    } catch (error) {
      answer?.reject(new SigningFailure(failureMessage(options.image, result, error), result, { cause: error }))
    }
    // The docker config outlives the look-ahead: signing, attesting and verifying use it too.
    await released
  }).catch((error: unknown) => answer?.reject(error))
  return { ready, done }
}

async function signAttestVerify(
  options: SessionOptions,
  cosign: CosignRunner,
  { verifyOptions, verifyEnv, expected, referrersBefore, existing }: LookAhead,
  predicateFile: string,
  result: SigningResult,
): Promise<void> {
  const common = commonArgs(options)
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
    await cosign.run('attest', attestArgs({ ...common, key: options.key, predicateFile }))
    result.attested = true
  }
  // The two checks read different things (the signature, the attestation): they run side by side.
  await sideBySide(cosign, [
    (runner) => verifySignature(runner, verifyOptions, verifyEnv, expected, { probe: false }),
    ...(options.attest
      ? [(runner: CosignRunner) => verifyAttestation(runner, verifyOptions, verifyEnv, expected.digest)]
      : []),
  ])
  result.verified = true
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
