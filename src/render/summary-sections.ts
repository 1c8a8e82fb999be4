// The fixed-size parts of the job summary: the verdict and what it means for the step and the signature, the
// budgets, expired exceptions, the signature, and the annotation a deploy step needs. Outside text is escaped here.
import { SEVERITIES, type Budgets } from '../report/model.js'
import type { Exception, FailedStage, GateResult, ScanStatus, Verdict } from '../report/verdict.js'
import { gateAnnotation, podAnnotations } from '../cluster/annotations.js'
import {
  code,
  codeBlock,
  escapeText,
  formatCount,
  proseWithCode,
  singleLine,
  tableHeader,
  tableRow,
} from './markdown.js'
import { commandLines } from './shell-lines.js'

export interface SigningSummary {
  signed: boolean
  /** Where the signature is stored: the `.sig` tag reference, or the referrer digest. */
  signature?: string
  attested: boolean
  /** A ready `cosign verify …` command line. */
  verifyCommand?: string
  /** vouch verified the signature (and attestation) after making them. */
  verified?: boolean
  /** Key signing: the public key (PEM), which the verify command reads as `cosign.pub`. */
  publicKey?: string
  /** Why the image was not signed (or not attested), in words; may mark input names with backticks. */
  skippedReason?: string
}

/** What the verdict section states: the verdict, the artifact, how it was scanned, whether it was signed. */
export interface HeadlineFacts {
  verdict: Verdict
  /** repo@sha256:…, the artifact scanned; '' when it was never resolved. */
  image: string
  platforms: string[]
  trivyVersion?: string
  /** When the Trivy DB in use was built (RFC 3339). */
  dbUpdatedAt?: string
  /** The DB download failed and Trivy scanned with the cached DB. */
  dbCachedFallback?: boolean
  now: Date
  enforce: boolean
  signing?: SigningSummary
}

const TITLES: Record<ScanStatus, string> = {
  passed: '## ✅ vouch: passed',
  failed: '## ❌ vouch: failed',
  error: '## ⚠️ vouch: error',
}
/** What an error's headline says failed: only a scan that was attempted "could not be completed". */
const STOPPED_AT: Record<FailedStage, string> = {
  inputs: 'An input is not valid, so nothing was downloaded, scanned or signed.',
  resolve: 'The image could not be resolved to a digest, so nothing was scanned.',
  install: 'Trivy or cosign could not be installed and verified, so nothing was scanned.',
  scan: 'The scan could not be completed, so nothing was counted.',
  reports: 'The scan completed, but vouch could not finish its work.',
  sign: 'The scan completed and the image passed, but signing did not complete.',
}
const MAX_LISTED_PLATFORMS = 20
const MAX_LISTED_EXCEPTIONS = 50

export function verdictSection(facts: HeadlineFacts): string {
  const { verdict, image, platforms, trivyVersion, dbUpdatedAt, now, enforce } = facts
  const shown = platforms.slice(0, MAX_LISTED_PLATFORMS).map((platform) => escapeText(platform, 60))
  if (platforms.length > shown.length) shown.push(`${formatCount(platforms.length - shown.length)} more`)
  const scanner = [
    ...(trivyVersion === undefined ? [] : [`Trivy ${escapeText(trivyVersion, 60)}`]),
    ...(dbUpdatedAt === undefined ? [] : [`DB built ${dbAge(dbUpdatedAt, now)}`]),
    ...(facts.dbCachedFallback === true ? ['the cached DB, as the download failed'] : []),
  ]
  const details = [
    `- **Image** ${image === '' ? 'not resolved' : code(image, 500)}`,
    ...(shown.length === 0 ? [] : [`- **Platforms** ${shown.join(', ')}`]),
    ...(scanner.length === 0 ? [] : [`- **Scanner** ${scanner.join(', ')}`]),
    `- **Mode** ${enforce ? 'enforce' : 'audit (<code>enforce: false</code>)'}`,
  ]
  return [TITLES[verdict.status], headline(facts), details.join('\n')].filter((part) => part !== '').join('\n\n')
}

/** What was decided, and what it means for the step and the signature: the two things a reviewer asks first. */
function headline({ verdict, enforce, signing }: HeadlineFacts): string {
  if (verdict.status === 'passed') {
    if (signing === undefined) return 'Every severity held its budget.'
    if (!signing.signed) {
      const why = signing.skippedReason === undefined ? '' : ` (${proseWithCode(signing.skippedReason, 300)})`
      return `Every severity held its budget. The image was **not signed**${why}.`
    }
    const attested = signing.attested ? ', and the scan result attached as a signed attestation' : ''
    return `Every severity held its budget. The image was **signed**${attested}.`
  }
  if (verdict.status === 'error') {
    const what = STOPPED_AT[verdict.stage ?? (verdict.gate === undefined ? 'scan' : 'reports')]
    const signed = signing?.signed === true ? 'The image was signed before the error.' : 'The image was **not signed**.'
    return `${what} ${signed} An error fails the step in either mode.`
  }
  const over = verdict.gate.breaches.map(
    (breach) => `${formatCount(breach.counted)} ${breach.severity} (budget ${formatCount(breach.budget)})`,
  )
  const budgetLine = `**Over budget**: ${over.join(', ')}.`
  if (!enforce) {
    return `${budgetLine}\n\n> ⚠️ **Audit mode**: this failure did not fail the step. The image was **not signed**: a failed image never is.`
  }
  return `${budgetLine} The step fails, and the image was **not signed**.`
}

/** `2026-08-20 06:00 UTC (5 hours old)`: minutes are enough to tell DBs apart, and the age is what matters. */
export function dbAge(updatedAt: string, now: Date): string {
  const built = Date.parse(updatedAt)
  if (Number.isNaN(built)) return code(updatedAt, 60)
  const shown = `${new Date(built).toISOString().slice(0, 16).replace('T', ' ')} UTC`
  const minutes = Math.max(0, Math.floor((now.getTime() - built) / 60_000))
  const age =
    minutes < 60
      ? plural(minutes, 'minute')
      : minutes < 48 * 60
        ? plural(Math.floor(minutes / 60), 'hour')
        : plural(Math.floor(minutes / (24 * 60)), 'day')
  return `${shown} (${age} old)`
}

function plural(count: number, unit: string): string {
  return `${formatCount(count)} ${unit}${count === 1 ? '' : 's'}`
}

function budgetText(budget: number | null): string {
  return budget === null ? 'no limit' : formatCount(budget)
}

export function budgetsSection(gate: GateResult): string {
  const breached = new Set(gate.breaches.map((breach) => breach.severity))
  const rows = SEVERITIES.map((severity) =>
    tableRow([
      severity,
      formatCount(gate.counts[severity]),
      budgetText(gate.budgets[severity]),
      breached.has(severity) ? '❌ over budget' : '✅ held',
    ]),
  )
  const totals = `${formatCount(gate.counted.length)} counted (${formatCount(gate.fixable)} with a fix), ${formatCount(gate.ignored.length)} ignored.`
  return ['### Budgets', [tableHeader(['Severity', 'Counted', 'Budget', 'Result']), ...rows].join('\n'), totals].join(
    '\n\n',
  )
}

/** The budgets of a run that never reached the gate: the policy that would have applied. */
export function uncheckedBudgetsSection(budgets: Budgets): string {
  const rows = SEVERITIES.map((severity) => tableRow([severity, '–', budgetText(budgets[severity]), 'not checked']))
  return [
    '### Budgets',
    [tableHeader(['Severity', 'Counted', 'Budget', 'Result']), ...rows].join('\n'),
    'The budgets this run would have held the findings to.',
  ].join('\n\n')
}

export function expiredSection(expired: readonly Exception[]): string {
  if (expired.length === 0) return ''
  const lines = expired.slice(0, MAX_LISTED_EXCEPTIONS).map((exception) => {
    const when = exception.expiresOn === undefined ? '' : ` on ${escapeText(exception.expiresOn, 40)}`
    const said = exception.statement === undefined ? '' : `: ${escapeText(exception.statement, 300)}`
    return `- ${code(exception.id, 100)} expired${when} (${code(exception.source, 200)})${said}`
  })
  const more = expired.length - lines.length
  if (more > 0) lines.push(`- and ${formatCount(more)} more`)
  const heading = `### ⚠️ Expired exceptions (${formatCount(expired.length)})`
  const note =
    'They suppress nothing any more: the findings they named are counted below. Renew them with a new date and a reason, or remove them.'
  return [heading, note, lines.join('\n')].join('\n\n')
}

/** Shown when there is a signature to talk about: after a pass, or when an error came after signing. */
export function signingSection(signing: SigningSummary, status: ScanStatus): string {
  if (status !== 'passed' && !signing.signed) return ''
  const lines: string[] = []
  if (signing.signed) {
    const where = signing.signature === undefined ? '' : `, stored at ${code(signing.signature, 500)}`
    const verified = signing.verified === true ? '; vouch verified it after signing' : ''
    lines.push(`- **Signed**: yes${where}${verified}`)
  } else {
    const why = signing.skippedReason === undefined ? 'signing is off' : proseWithCode(signing.skippedReason, 500)
    lines.push(`- **Signed**: no (${why})`)
  }
  lines.push(
    signing.attested
      ? '- **Attestation**: the scan result, as a signed <code>https://cosign.sigstore.dev/attestation/vuln/v1</code> attestation'
      : '- **Attestation**: none',
  )
  const parts = ['### Signature and attestation', lines.join('\n')]
  const command = singleLine(signing.verifyCommand ?? '', 4000)
  const key = (signing.publicKey ?? '').trim()
  if (command !== '') {
    const withKey = key !== '' && command.includes('cosign.pub')
    parts.push(withKey ? 'Verify it with (<code>cosign.pub</code> is the public key below):' : 'Verify it with:')
    parts.push(codeBlock(commandLines(command), 'sh'))
  }
  if (key !== '' && key.length <= 4000) {
    parts.push(`<details><summary>cosign.pub</summary>\n\n${codeBlock(key)}\n\n</details>`)
  }
  return parts.join('\n\n')
}

export function deploySection(annotationKey: string, status: ScanStatus, signed: boolean): string {
  const annotation = `Gate annotation: ${code(gateAnnotation(annotationKey, status), 400)}`
  if (status !== 'passed') {
    const refused = signed
      ? ''
      : ' Do not deploy this image: it was not signed, so a cluster that requires the signature vouch makes refuses it. The gate annotation records the verdict for people and dashboards; it stops nothing, since anyone who can create a pod can write one.'
    return ['### Deploy', `${annotation}.${refused}`].join('\n\n')
  }
  const yaml = ['metadata:', '  annotations:', `    ${JSON.stringify(annotationKey)}: ${JSON.stringify(status)}`].join(
    '\n',
  )
  return [
    '### Deploy',
    `${annotation}, also in the <code>pod-annotations</code> output as JSON (${code(podAnnotations(annotationKey, status), 400)}). In a pod template:`,
    codeBlock(yaml, 'yaml'),
    'A pod annotation is advisory: anyone who can create a pod can write one. The cluster should rely on the signature, whose signed annotations cannot be forged.',
  ].join('\n\n')
}

/** The upload step a workflow adds to keep the reports; pinned as the repository's own examples pin it. */
const UPLOAD_STEP = [
  '- if: always() # keep them when the gate fails too',
  '  uses: actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
  '  with:',
  '    name: vouch-reports',
  '    path: ${{ runner.temp }}/vouch/ # output-dir',
].join('\n')

/** The folder the report files share, or '' when they do not share one. */
function commonFolder(paths: readonly string[]): string {
  const folders = new Set(paths.map((file) => file.slice(0, Math.max(0, file.lastIndexOf('/')))))
  return folders.size === 1 ? ([...folders][0] ?? '') : ''
}

/**
 * Where the full reports are, for a reader who comes after the job: the files on the runner are gone by then, so
 * the section names them by file and shows the step that keeps them as an artifact of the run.
 */
export function reportsSection(paths: { json?: string; sarif?: string; predicate?: string }): string {
  const files = [paths.json, paths.sarif, paths.predicate].filter((file): file is string => file !== undefined)
  if (files.length === 0) return ''
  const named = [
    ...(paths.json === undefined ? [] : [`the Trivy JSON report (every finding, <code>json-report</code>)`]),
    ...(paths.sarif === undefined ? [] : ['SARIF for code scanning (<code>sarif-report</code>)']),
    ...(paths.predicate === undefined ? [] : ['the vuln predicate (<code>predicate</code>)']),
  ]
  const folder = commonFolder(files)
  const where = folder === '' ? '' : ` (this run: ${code(folder, 400)})`
  return [
    '### Reports',
    `The full reports are files in <code>output-dir</code> on the runner${where}: ${named.join(', ')}. ` +
      'They go when the job ends. To keep them with the run, upload them after the vouch step:',
    codeBlock(UPLOAD_STEP, 'yaml'),
  ].join('\n\n')
}
