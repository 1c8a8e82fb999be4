// What signing can learn before the verdict is known, with cosign calls that change nothing: the public half of the
// key, the referrers a bundle signature will be told apart from, and whether this exact signature exists already.
import { SigningError } from '../errors.js'
import { PUBLIC_KEY_ENV, publicKeyArgs, verifyCommand, type KeylessIdentity, type VerifyArgsOptions } from './args.js'
import { sideBySide, type CosignRunner } from './command.js'
import type { CosignKey } from './keys.js'
import type { SignatureFormat } from './args.js'
import { signatureReferrers, verifySignature, type ExpectedSignature } from './verify.js'

/** What signing learned before the verdict: how to verify, and whether this exact signature exists already. */
export interface LookAhead {
  verifyOptions: VerifyArgsOptions
  verifyEnv: Record<string, string>
  expected: ExpectedSignature
  referrersBefore: string[]
  existing: boolean
}

/** What the look-ahead reads of the signing options. */
export interface LookAheadOptions {
  image: string
  format: SignatureFormat
  tlogUpload: boolean
  cosignVersion: string
  insecureRegistry: boolean
  key: CosignKey
  annotations: [string, string][]
}

/** `found` gets the public key and the verify command as soon as they are known, so a failure still reports them. */
export async function lookAhead(
  options: LookAheadOptions,
  cosign: CosignRunner,
  digest: string,
  identity: KeylessIdentity | undefined,
  found: { publicKey?: string; verifyCommand?: string },
): Promise<LookAhead> {
  const publicKey = identity === undefined ? await derivePublicKey(cosign, options.key) : undefined
  if (publicKey !== undefined) found.publicKey = publicKey
  const verifyEnv: Record<string, string> = publicKey === undefined ? {} : { [PUBLIC_KEY_ENV]: publicKey }
  const verifyOptions: VerifyArgsOptions = {
    ...commonArgs(options),
    verifier: identity === undefined ? { kind: 'public-key' } : { kind: 'keyless', ...identity },
    annotations: options.annotations,
  }
  found.verifyCommand = verifyCommand(verifyOptions)
  const expected = { digest, annotations: options.annotations, format: options.format }
  // Idempotent reruns: cosign would add a second identical signature, so a signature that already verifies with
  // this key (or identity) and these exact annotations is reported instead of made again.
  const [referrersBefore, existing] = await sideBySide<[string[], boolean]>(cosign, [
    (runner) => (options.format === 'bundle' ? signatureReferrers(runner, options) : Promise.resolve([])),
    (runner) => verifySignature(runner, verifyOptions, verifyEnv, expected, { probe: true }),
  ])
  return { verifyOptions, verifyEnv, expected, referrersBefore, existing }
}

export function commonArgs(options: LookAheadOptions) {
  return {
    image: options.image,
    format: options.format,
    tlogUpload: options.tlogUpload,
    cosignVersion: options.cosignVersion,
    insecureRegistry: options.insecureRegistry,
  }
}

async function derivePublicKey(cosign: CosignRunner, key: CosignKey): Promise<string> {
  const { stdout } = await cosign.run('public-key', publicKeyArgs(key))
  const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(stdout)?.[0]
  if (pem === undefined) throw new SigningError('cosign public-key printed no PEM public key')
  return `${pem}\n`
}
