// The flow, in the order docs/architecture.md draws it: resolve, install, scan, gate, report, sign, publish.
// It never fails the step itself: it returns the outcome, and index.ts fails the step once.
import * as core from '@actions/core'
import { readBoolean, type InputReader, type Inputs } from './inputs.js'
import { VouchError, causeText, errorMessage } from './errors.js'
import { formatReference, parseReference } from './image/reference.js'
import { isAnnotationKey } from './inputs/values.js'
import { DEFAULT_ANNOTATION_KEY } from './cluster/annotations.js'
import { SigningFailure } from './cosign/signing.js'
import { ScanFailure } from './trivy/run.js'
import type { FailedStage, Verdict } from './report/verdict.js'
import { exec as realExec, type Exec } from './exec.js'
import { maskSecrets } from './secrets.js'
import { logSafe } from './log-safe.js'
import { resolveImage, type ImageTarget } from './stages/resolve.js'
import { installRunTools } from './stages/install.js'
import type { InstalledTools } from './tools/install.js'
import { checkBeforeNetwork } from './stages/preflight.js'
import { scanAndGate, type ScanOutcome } from './stages/scan.js'
import { writeReports, type ReportFiles } from './stages/reports.js'
import { signImage, startSigningSession, type SigningOutcome } from './stages/sign.js'
import type { SigningSession } from './cosign/signing.js'
import { publish, type PublishedInputs } from './stages/publish.js'

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
  maskSecrets({ key: inputs.cosignKey, password: inputs.cosignPassword, credentials: inputs.registryCredentials })

  let target: ImageTarget | undefined
  let tools: InstalledTools | undefined
  let scan: ScanOutcome | undefined
  let files: ReportFiles | undefined
  let signing: SigningOutcome | undefined
  let session: SigningSession | undefined
  let verdict: Verdict
  let stage: FailedStage = 'inputs'
  try {
    // Everything that needs no network is checked first: a bad setup downloads, scans and signs nothing.
    const plan = await checkBeforeNetwork(inputs, deps.env)
    stage = 'resolve'
    target = await core.group('Resolve the image to a digest', () => resolveImage(inputs, plan.platforms, deps.env))
    stage = 'install'
    const image = target
    // Signing looks ahead (the public key, an earlier signature) from the moment cosign is verified, while Trivy
    // is still unpacked and then scans; only a passed verdict uses what it found.
    tools = await installRunTools(plan, deps.exec, deps.env, (cosign) => {
      session = startSigningSession({
        inputs,
        signing: plan.signing,
        target: image,
        cosign,
        trivyVersion: plan.tools.trivy.version,
        exec: deps.exec,
        env: deps.env,
      })
    })
    stage = 'scan'
    scan = await scanAndGate({
      inputs,
      target,
      trivy: tools.trivy,
      exceptions: plan.exceptions,
      trivyWithheld: plan.trivyWithheld,
      exec: deps.exec,
      now: deps.now,
      env: deps.env,
    })
    verdict = scan.verdict
    stage = 'reports'
    files = await writeReports({ inputs, target, scan, env: deps.env })
    stage = 'sign'
    if (verdict.status === 'passed') {
      signing = await signImage({ session, target, scan, verdict, files })
    } else {
      signing = { signed: false, attested: false, skippedReason: `the verdict is ${verdict.status}` }
    }
  } catch (error) {
    // A failure after signing (attest, verify) still names the signature, so it can be inspected.
    signing = signing ?? partialSigning(error)
    verdict = { ...errorVerdict(error, stage), ...(scan ? { gate: scan.gate } : {}) }
    // The summary says what failed; the log also keeps what lay under it (a socket error, a tool that would not start).
    const cause = causeText(error)
    if (cause !== undefined) core.info(logSafe(`The ${stage} step failed; underneath: ${cause}`))
  }
  await session?.close()

  await publish({
    inputs,
    verdict,
    target,
    tools,
    scan,
    files,
    signing,
    now: deps.now(),
    writeSummary: deps.writeSummary,
  })
  return { verdict, ...failure(verdict, inputs, target) }
}

/**
 * A run whose inputs could not be read: the same publish path as every other failure, so all outputs (empty where
 * unknown), the summary and one failure naming the input. What can still be read safely shapes them.
 */
export async function failOnInputs(
  error: unknown,
  read: InputReader,
  collaborators: Partial<Pick<Collaborators, 'now' | 'writeSummary'>> = {},
): Promise<Outcome> {
  const verdict = errorVerdict(error, 'inputs')
  await publish({
    inputs: readableInputs(read),
    verdict,
    now: (collaborators.now ?? (() => new Date()))(),
    writeSummary: collaborators.writeSummary,
  })
  return { verdict, ...failure(verdict) }
}

/** The contract's defaults where an input's own value is the bad one; the image only when it parses. */
function readableInputs(read: InputReader): PublishedInputs {
  const given = (name: string, fallback: boolean): boolean => {
    try {
      return readBoolean((input) => read(input).trim(), name)
    } catch {
      return fallback
    }
  }
  const key = read('annotation-key').trim()
  let image: PublishedInputs['image']
  try {
    image = parseReference(read('image').trim(), 'image')
  } catch {
    image = undefined
  }
  return {
    ...(image === undefined ? {} : { image }),
    annotationKey: isAnnotationKey(key) ? key : DEFAULT_ANNOTATION_KEY,
    enforce: given('enforce', true),
    summary: given('summary', true),
  }
}

/** The error verdict for what was thrown: what went wrong, the remedy its class carries, and the stage it stopped. */
export function errorVerdict(error: unknown, stage: FailedStage): Verdict & { status: 'error' } {
  // ScanFailure's message ends with its remedy; the cause is said without it, and the remedy once, below it.
  const cause = error instanceof ScanFailure ? error.reason : errorMessage(error)
  const remedy = error instanceof VouchError ? error.remedy : undefined
  return { status: 'error', cause, ...(remedy === undefined ? {} : { remedy }), stage }
}

function partialSigning(error: unknown): SigningOutcome | undefined {
  if (!(error instanceof SigningFailure)) return undefined
  return { ...error.result, skippedReason: errorMessage(error) }
}

function failure(verdict: Verdict, inputs?: Inputs, target?: ImageTarget): { failMessage?: string } {
  if (verdict.status === 'error') {
    return { failMessage: `vouch reached no verdict: ${verdict.cause}${verdict.remedy ? ` ${verdict.remedy}` : ''}` }
  }
  if (verdict.status !== 'failed' || inputs === undefined) return {}
  const breaches = verdict.gate.breaches.map(
    (breach) => `${breach.counted} ${breach.severity} (budget ${breach.budget})`,
  )
  const message = `${target?.pinned ?? formatReference(inputs.image)} failed the gate: ${breaches.join(', ')}`
  if (inputs.enforce) return { failMessage: message }
  core.warning(`${message}. enforce is false (audit mode): the step passes, and the image was not signed.`)
  return {}
}
