// The checks after signing: cosign verifies the signature and the attestation, then vouch reads what cosign vouched
// for and holds it against the digest and annotations it just signed. Also finds a bundle signature's referrer.
import { errorMessage } from '../errors.js'
import { treeArgs, verifyArgs, verifyAttestationArgs, type VerifyArgsOptions } from './args.js'
import {
  SIGNATURE_TYPES,
  checkVerifiedAttestation,
  checkVerifiedSignature,
  cosignFailure,
  parseAttestationStatements,
  parseTreeReferrers,
  parseVerifiedSignatures,
} from './output.js'
import type { CosignRunner } from './command.js'

export interface ExpectedSignature {
  digest: string
  annotations: [string, string][]
  format: keyof typeof SIGNATURE_TYPES
}

/**
 * `cosign verify`, then the payload check. With `probe`, a refusal or a payload that does not match is an answer
 * (false: not signed like this yet), and only a verified, matching signature is true; without it, both throw.
 */
export async function verifySignature(
  cosign: CosignRunner,
  options: VerifyArgsOptions,
  env: Record<string, string>,
  expected: ExpectedSignature,
  { probe }: { probe: boolean },
): Promise<boolean> {
  const args = verifyArgs(options)
  if (probe) {
    const answer = await cosign.probe('verify', args, env)
    if (answer.exitCode !== 0) {
      cosign.log.debug(
        `No signature to reuse (cosign verify exit code ${answer.exitCode}): ${cosignFailure(answer.stderr)}`,
      )
      return false
    }
    try {
      checkVerifiedSignature(parseVerifiedSignatures(answer.stdout), expected)
      return true
    } catch (error) {
      cosign.log.debug(`No signature to reuse: ${errorMessage(error)}`)
      return false
    }
  }
  const { stdout } = await cosign.run('verify', args, env)
  checkVerifiedSignature(parseVerifiedSignatures(stdout), expected)
  return true
}

/** `cosign verify-attestation --type vuln`, then: a vuln statement whose subject is the scanned digest. */
export async function verifyAttestation(
  cosign: CosignRunner,
  options: VerifyArgsOptions,
  env: Record<string, string>,
  digest: string,
): Promise<void> {
  const { stdout } = await cosign.run('verify-attestation', verifyAttestationArgs(options), env)
  checkVerifiedAttestation(parseAttestationStatements(stdout), digest)
}

/** The sign/v1 referrers `cosign tree` lists for the image; empty (with a warning) when tree cannot tell. */
export async function signatureReferrers(
  cosign: CosignRunner,
  options: { image: string; insecureRegistry: boolean },
): Promise<string[]> {
  const answer = await cosign.probe('tree', treeArgs(options.image, options.insecureRegistry))
  if (answer.exitCode !== 0) {
    cosign.log.warning(`cosign tree could not list the image's referrers: ${cosignFailure(answer.stderr)}`)
    return []
  }
  return parseTreeReferrers(answer.stdout)
    .filter((referrer) => referrer.type === SIGNATURE_TYPES.bundle)
    .map((referrer) => referrer.reference)
}

/**
 * The referrer that holds this run's bundle. cosign 3's `sign` prints no referrer digest (WriteReferrer is silent)
 * and `verify` does not report one, so it is the sign/v1 referrer `cosign tree` lists now that it did not list
 * before signing; on a rerun that signed nothing, the one already there. Undefined (with a warning) when that is not
 * exactly one: the signature is still made and verified, only its address is unknown.
 */
export async function findBundleSignature(
  cosign: CosignRunner,
  options: { image: string; insecureRegistry: boolean },
  before: string[],
): Promise<string | undefined> {
  const after = await signatureReferrers(cosign, options)
  const added = after.filter((reference) => !before.includes(reference))
  const candidates = added.length > 0 ? added : after
  if (candidates.length === 1) return candidates[0]
  cosign.log.warning(
    `Could not tell which OCI referrer holds the signature of ${options.image}: cosign tree lists ` +
      `${candidates.length} candidate(s)${candidates.length > 0 ? ` (${candidates.join(', ')})` : ''}`,
  )
  return undefined
}
