// Signs the scanned digest and attaches the scan: only for a passed verdict (the type of `verdict` says so; main.ts
// decides it), and only when every image the signature covers was scanned (here).
import * as core from '@actions/core'
import type { Exec } from '../exec.js'
import { logSafe } from '../log-safe.js'
import type { Inputs } from '../inputs.js'
import { signedAnnotations } from '../cluster/annotations.js'
import { startSigning, type SigningResult, type SigningSession } from '../cosign/signing.js'
import type { InstalledTool } from '../tools/request.js'
import type { ImageTarget, ImageToScan } from './resolve.js'
import type { ScanOutcome } from './scan.js'
import type { PassedVerdict } from '../report/verdict.js'
import type { ReportFiles } from './reports.js'
import type { SigningPlan } from './plan.js'

export interface SigningOutcome extends Partial<SigningResult> {
  signed: boolean
  attested: boolean
  /** Why nothing was signed, for the summary. */
  skippedReason?: string
}

/** What signing needs before the scan ends: the run's inputs and plan, the image and the tools. */
export interface SigningStart {
  inputs: Inputs
  /** How to sign, decided before the network. */
  signing: SigningPlan
  target: ImageTarget
  cosign: InstalledTool | undefined
  /** The Trivy release that scans, which the signed annotations name. */
  trivyVersion: string
  exec: Exec
  env: NodeJS.ProcessEnv
}

/**
 * Starts the signing's look-ahead (cosign calls that change nothing) so that it runs while Trivy scans; undefined
 * when this run does not sign. The caller closes the session whatever the verdict.
 */
export function startSigningSession(start: SigningStart): SigningSession | undefined {
  const { inputs, signing, target, cosign } = start
  if (!signing.sign || cosign === undefined) return undefined
  return startSigning({
    cosignPath: cosign.path,
    cosignVersion: signing.cosignVersion,
    image: target.pinned,
    isIndex: target.isIndex,
    sign: signing.sign,
    attest: signing.attest,
    key: signing.key,
    password: inputs.cosignPassword,
    format: signing.format,
    tlogUpload: signing.tlogUpload,
    annotations: signedAnnotations({
      annotationKey: inputs.annotationKey,
      budgets: inputs.budgets,
      trivyVersion: start.trivyVersion,
      extra: inputs.annotations,
    }),
    ...(inputs.registryCredentials === undefined ? {} : { credentials: inputs.registryCredentials }),
    registry: target.reference.registry,
    insecureRegistry: target.insecure,
    runnerTemp: start.env.RUNNER_TEMP ?? inputs.outputDir,
    env: start.env,
    exec: start.exec,
  })
}

export interface SignRequest {
  /** The session startSigningSession gave for this run; undefined when it does not sign. */
  session: SigningSession | undefined
  target: ImageTarget
  scan: ScanOutcome
  /** The scan's verdict, checked by the caller: nothing else can be signed. */
  verdict: PassedVerdict
  files: ReportFiles
}

export async function signImage(request: SignRequest): Promise<SigningOutcome> {
  const { session, target, scan, files } = request
  if (session === undefined) return { signed: false, attested: false, skippedReason: '`sign` is false' }
  // A signature vouches for every image it covers (cosign signs an index recursively, attestation manifests and all):
  // never for one that this run did not scan. What was scanned is read from the scans themselves, not from a plan.
  const unscanned = unscannedImages(target, scan)
  if (unscanned.length > 0) {
    const names = unscanned.map((image) => logSafe(image.label ?? image.digest))
    const skippedReason =
      `the index also holds ${names.join(', ')}, which ${names.length === 1 ? 'was' : 'were'} not scanned; ` +
      'a signature on the index would vouch for them too. Scan every platform (`platforms: all`) to sign it; ' +
      'an index with images of another operating system is never signed.'
    core.warning(`${target.pinned} passed but was not signed: ${skippedReason}`)
    return { signed: false, attested: false, skippedReason }
  }
  const result = await core.group(`Sign ${target.pinned}`, () => session.finish(request.verdict, files.predicate))
  if (result.signed) core.info(`Signed ${target.pinned}${result.signature ? `: ${logSafe(result.signature)}` : ''}`)
  return result
}

/** The images a signature on the target would cover that no scan of this run was for (by digest). */
function unscannedImages(target: Pick<ImageTarget, 'contents'>, scan: Pick<ScanOutcome, 'scans'>): ImageToScan[] {
  const scanned = new Set(scan.scans.map((entry) => entry.digest))
  return target.contents.filter((image) => !scanned.has(image.digest))
}
