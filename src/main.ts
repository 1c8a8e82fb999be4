// The flow, in the order docs/architecture.md draws it: resolve, install, scan, gate, report, sign, publish.
// It never fails the step itself: it returns the outcome, and index.ts fails the step once.
import * as core from '@actions/core'
import type { Inputs } from './inputs.js'
import { InputError, errorMessage } from './errors.js'
import { formatReference } from './image/reference.js'
import { describeAllowed, isAllowed } from './image/allowed.js'
import { checkFormatSupported } from './cosign/args.js'
import { checkExtraAnnotations } from './cluster/annotations.js'
import type { Verdict } from './report/verdict.js'
import { exec as realExec, type Exec } from './exec.js'
import { loadExceptions } from './stages/exceptions.js'
import { resolveImage, type ImageTarget } from './stages/resolve.js'
import { checkToolRequests, installScanners, type Scanners } from './stages/install.js'
import { scanAndGate, type ScanOutcome } from './stages/scan.js'
import { writeReports, type ReportFiles } from './stages/reports.js'
import { signImage, type SigningOutcome } from './stages/sign.js'
import { publish } from './stages/publish.js'

export interface Outcome {
  verdict: Verdict
  /** Set when the step must fail: an error verdict always, a failed one when enforced. */
  failMessage?: string
}

export interface Collaborators {
  exec: Exec
  env: NodeJS.ProcessEnv
  now: () => Date
  /** Where the summary goes; the Actions job summary unless given (the CLI prints it). */
  writeSummary?: (markdown: string) => Promise<void>
}

export async function run(inputs: Inputs, collaborators: Partial<Collaborators> = {}): Promise<Outcome> {
  const deps: Collaborators = { exec: realExec, env: process.env, now: () => new Date(), ...collaborators }
  maskSecrets(inputs)

  let target: ImageTarget | undefined
  let scanners: Scanners | undefined
  let scan: ScanOutcome | undefined
  let files: ReportFiles | undefined
  let signing: SigningOutcome | undefined
  let verdict: Verdict
  try {
    // Everything that needs no network is checked first: a bad setup downloads, scans and signs nothing.
    const exceptions = await checkBeforeNetwork(inputs, deps.env)
    target = await core.group('Resolve the image to a digest', () => resolveImage(inputs, deps.env))
    scanners = await installScanners(inputs, deps.exec)
    scan = await scanAndGate({ inputs, target, trivy: scanners.trivy, exceptions, exec: deps.exec, now: deps.now })
    verdict = scan.verdict
    files = await writeReports({ inputs, target, scan, env: deps.env })
    if (verdict.status === 'passed') {
      signing = await signImage({
        inputs,
        target,
        cosign: scanners.cosign,
        scan,
        files,
        exec: deps.exec,
        env: deps.env,
      })
    } else {
      signing = { signed: false, attested: false, skippedReason: `the verdict is ${verdict.status}` }
    }
  } catch (error) {
    // A failure after signing (attest, verify) still names the signature, so it can be inspected.
    signing = signing ?? partialSigning(error)
    verdict = { status: 'error', cause: causeOf(error), ...remedyOf(error), ...(scan ? { gate: scan.gate } : {}) }
  }

  await publish({
    inputs,
    verdict,
    target,
    scanners,
    scan,
    files,
    signing,
    now: deps.now(),
    writeSummary: deps.writeSummary,
  })
  return { verdict, ...failure(verdict, inputs, target) }
}

async function checkBeforeNetwork(inputs: Inputs, env: NodeJS.ProcessEnv) {
  const written = formatReference(inputs.image)
  if (!isAllowed(inputs.image, written, inputs.allowedRegistries)) {
    throw new InputError(
      'image',
      written,
      `is outside allowed-registries (${describeAllowed(inputs.allowedRegistries)})`,
    )
  }
  if (inputs.sign) checkFormatSupported(inputs.signatureFormat, inputs.cosign.version)
  checkExtraAnnotations(inputs.annotationKey, inputs.annotations)
  checkToolRequests(inputs, env)
  return loadExceptions(inputs)
}

/** What went wrong, without the remedy that some errors also fold into their message. */
function causeOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'remedy' in error &&
    'reason' in error &&
    typeof error.reason === 'string'
  ) {
    return error.reason
  }
  return errorMessage(error)
}

function remedyOf(error: unknown): { remedy?: string } {
  if (typeof error === 'object' && error !== null && 'remedy' in error && typeof error.remedy === 'string') {
    return { remedy: error.remedy }
  }
  return {}
}

function partialSigning(error: unknown): SigningOutcome | undefined {
  if (typeof error !== 'object' || error === null || !('result' in error)) return undefined
  const result = error.result as SigningOutcome
  return { ...result, skippedReason: errorMessage(error) }
}

function failure(verdict: Verdict, inputs: Inputs, target: ImageTarget | undefined): { failMessage?: string } {
  if (verdict.status === 'error') {
    return { failMessage: `vouch reached no verdict: ${verdict.cause}${verdict.remedy ? ` ${verdict.remedy}` : ''}` }
  }
  if (verdict.status !== 'failed') return {}
  const breaches = verdict.gate.breaches.map(
    (breach) => `${breach.counted} ${breach.severity} (budget ${breach.budget})`,
  )
  const message = `${target?.pinned ?? formatReference(inputs.image)} failed the gate: ${breaches.join(', ')}`
  if (inputs.enforce) return { failMessage: message }
  core.warning(`${message}. enforce is false (audit mode): the step passes, and the image was not signed.`)
  return {}
}

/** Secrets are masked before anything can print them; a PEM line by line, as the runner masks lines. */
function maskSecrets(inputs: Inputs): void {
  if (inputs.cosignKey.kind === 'pem') {
    for (const line of inputs.cosignKey.pem.split(/\r?\n/)) {
      if (line.trim() !== '' && !line.startsWith('-----')) core.setSecret(line.trim())
    }
  }
  if (inputs.cosignPassword !== '') core.setSecret(inputs.cosignPassword)
  if (inputs.registryCredentials !== undefined) core.setSecret(inputs.registryCredentials.password)
}
