// What a run will do, decided once before the network from the inputs and the runner: which tool files to install
// and the sha256 each must have, the exceptions, how (and whether) to sign, which platforms to scan. The stages take
// it as given; none of them works any of it out again.
import type { SignatureFormat } from '../cosign/args.js'
import type { CosignKey } from '../cosign/keys.js'
import type { Inputs } from '../inputs.js'
import type { Exception } from '../report/verdict.js'
import type { ToolPlan } from '../tools/plan.js'

/** `sign: false`, or a signature cosign can make: the format checked against the cosign release, the key checked. */
export type SigningPlan =
  | { sign: false }
  | {
      sign: true
      /** The signing mode: a PEM key, a key URI (a file, `env://`, or a KMS such as `awskms://`), or keyless. */
      key: CosignKey
      format: SignatureFormat
      tlogUpload: boolean
      /** Also attach the scan as a signed vulnerability attestation. */
      attest: boolean
      /** The cosign release the format was checked against, which also picks its format and tlog flags. */
      cosignVersion: string
    }

export interface RunPlan {
  /** Trivy, and cosign only when the run signs: each with its release asset, URL and expected sha256. */
  tools: ToolPlan
  /** Keep the verified assets between runs with the Actions cache. */
  cacheTools: boolean
  /** From `ignore-file`, parsed and checked. */
  exceptions: Exception[]
  signing: SigningPlan
  /** `all`, or the platforms of an index to scan. */
  platforms: Inputs['platforms']
  /** Variables Trivy must never see, even if its allowlist names them: the `env://NAME` of `cosign-key`. */
  trivyWithheld: string[]
}
