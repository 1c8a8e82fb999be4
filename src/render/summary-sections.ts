// The fixed-size parts of the job summary: the verdict, the budgets, what went wrong, expired exceptions, the
// signature, and the annotations a deploy step needs. Every value that came from outside is escaped here.
import { SEVERITIES } from '../report/model.js'
import type { Exception, GateResult, ScanStatus, Verdict } from '../report/verdict.js'
import { gateAnnotation, podAnnotations } from '../cluster/annotations.js'
import { code, codeBlock, escapeText, formatCount, singleLine, tableHeader, tableRow } from './markdown.js'

export interface SigningSummary {
  signed: boolean
  /** Where the signature is stored: the `.sig` tag reference, or the referrer digest. */
  signature?: string
  attested: boolean
  /** A ready `cosign verify …` command line. */
  verifyCommand?: string
  /** Why the image was not signed (or not attested), in words. */
  skippedReason?: string
}

export interface HeadlineFacts {
  verdict: Verdict
  image: string
  platforms: string[]
  trivyVersion?: string
  dbUpdatedAt?: string
  now: Date
  enforce: boolean
}

const TITLES: Record<ScanStatus, string> = {
  passed: '## ✅ vouch: passed',
  failed: '## ❌ vouch: failed',
  error: '## ⚠️ vouch: error',
}
const MAX_LISTED_PLATFORMS = 20
const MAX_LISTED_EXCEPTIONS = 50

export function verdictSection(facts: HeadlineFacts): string {
  const { verdict, image, platforms, trivyVersion, dbUpdatedAt, now, enforce } = facts
  const shown = platforms.slice(0, MAX_LISTED_PLATFORMS).map((platform) => escapeText(platform, 60))
  if (platforms.length > shown.length) shown.push(`${formatCount(platforms.length - shown.length)} more`)
  const details = [
    `**Image** ${image === '' ? 'not resolved' : code(image, 500)}`,
    ...(shown.length === 0 ? [] : [`**Platforms** ${shown.join(', ')}`]),
    ...(trivyVersion === undefined ? [] : [`**Trivy** ${escapeText(trivyVersion, 60)}`]),
    ...(dbUpdatedAt === undefined ? [] : [`**DB** ${dbAge(dbUpdatedAt, now)}`]),
    `**Mode** ${enforce ? 'enforce' : 'audit (<code>enforce: false</code>)'}`,
  ]
  return [TITLES[verdict.status], headline(verdict), details.join(' · '), modeNote(verdict.status, enforce)]
    .filter((part) => part !== '')
    .join('\n\n')
}

function headline(verdict: Verdict): string {
  if (verdict.status === 'error')
    return 'The scan could not be completed, so nothing was counted. The image was not signed.'
  if (verdict.status === 'passed') return 'Every severity held its budget.'
  const breaches = verdict.gate.breaches.map(
    (breach) => `${breach.severity} ${formatCount(breach.counted)} > ${formatCount(breach.budget)}`,
  )
  return `Counted findings exceed the budget for ${breaches.join(', ')}.`
}

function modeNote(status: ScanStatus, enforce: boolean): string {
  if (status === 'failed' && !enforce) {
    return '> ⚠️ **Audit mode**: this failure did not fail the step. The image was **not signed**: a failed image never is.'
  }
  if (status === 'failed') return 'The step fails. The image was **not signed**.'
  if (status === 'error') return 'An error fails the step in either mode.'
  return ''
}

/** `2026-08-20T06:00:00Z (5 hours old)`. */
export function dbAge(updatedAt: string, now: Date): string {
  const built = Date.parse(updatedAt)
  const shown = code(updatedAt, 60)
  if (Number.isNaN(built)) return `built ${shown}`
  const minutes = Math.max(0, Math.floor((now.getTime() - built) / 60_000))
  const age =
    minutes < 60
      ? plural(minutes, 'minute')
      : minutes < 48 * 60
        ? plural(Math.floor(minutes / 60), 'hour')
        : plural(Math.floor(minutes / (24 * 60)), 'day')
  return `built ${shown} (${age} old)`
}

function plural(count: number, unit: string): string {
  return `${formatCount(count)} ${unit}${count === 1 ? '' : 's'}`
}

export function budgetsSection(gate: GateResult): string {
  const breached = new Set(gate.breaches.map((breach) => breach.severity))
  const rows = SEVERITIES.map((severity) => {
    const budget = gate.budgets[severity]
    return tableRow([
      severity,
      formatCount(gate.counts[severity]),
      budget === null ? 'no limit' : formatCount(budget),
      breached.has(severity) ? '❌ breached' : '✅ held',
    ])
  })
  const totals = `${formatCount(gate.counted.length)} counted (${formatCount(gate.fixable)} with a fix), ${formatCount(gate.ignored.length)} ignored.`
  return ['### Budgets', [tableHeader(['Severity', 'Counted', 'Budget', 'Result']), ...rows].join('\n'), totals].join(
    '\n\n',
  )
}

const RATE_LIMIT = /rate[ -]?limit|toomanyrequests|too many requests|\b429\b/i
const TIMEOUT = /time[ -]?out|timed out|deadline exceeded/i

export function errorSection(cause: string, remedy: string | undefined): string {
  const advice: string[] = []
  if (remedy !== undefined && remedy.trim() !== '') advice.push(`What to do: ${escapeText(remedy, 2000)}`)
  if (RATE_LIMIT.test(cause) || RATE_LIMIT.test(remedy ?? '')) {
    advice.push(
      'A registry is rate-limiting this runner. List DB mirrors in <code>db-repository</code> (tried in order) and keep <code>cache: true</code>, so that the DB is downloaded once and reused by later runs.',
    )
  }
  if (TIMEOUT.test(cause) || TIMEOUT.test(remedy ?? '')) {
    advice.push(
      'The scan ran out of time. Raise <code>timeout</code> (default <code>10m</code>), e.g. <code>timeout: 20m</code>; with <code>cache: true</code> later runs skip the DB download.',
    )
  }
  if (advice.length === 0) {
    advice.push(
      'Re-run the job; if it fails again, re-run with debug logging enabled and read the Trivy output in the log.',
    )
  }
  // The cause may hold a tool's stderr: a code block shows it as it is, and nothing in it is interpreted.
  const shownCause = (cause.length > 4000 ? `${cause.slice(0, 4000)}…` : cause)
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
  return ['### What went wrong', codeBlock(shownCause, 'text'), advice.map((line) => `- ${line}`).join('\n')].join(
    '\n\n',
  )
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
    'They suppress nothing any more: the findings they named are counted. Renew them with a new date and a reason, or remove them.'
  return [heading, note, lines.join('\n')].join('\n\n')
}

export function signingSection(signing: SigningSummary, status: ScanStatus): string {
  const lines: string[] = []
  if (signing.signed) {
    const where = signing.signature === undefined ? '' : `, stored at ${code(signing.signature, 500)}`
    lines.push(`- **Signed**: yes${where}`)
  } else {
    const why = signing.skippedReason ?? (status === 'passed' ? 'signing is off' : `the verdict is ${status}`)
    lines.push(`- **Signed**: no (${escapeText(why, 500)})`)
  }
  lines.push(
    signing.attested
      ? '- **Attestation**: the scan result is attached as a signed <code>https://cosign.sigstore.dev/attestation/vuln/v1</code> attestation'
      : '- **Attestation**: none',
  )
  const parts = ['### Signature and attestation', lines.join('\n')]
  if (signing.verifyCommand !== undefined && signing.verifyCommand.trim() !== '') {
    parts.push('Verify it with:', codeBlock(singleLine(signing.verifyCommand, 4000), 'sh'))
  }
  return parts.join('\n\n')
}

export function deploySection(annotationKey: string, status: ScanStatus): string {
  const yaml = ['metadata:', '  annotations:', `    ${JSON.stringify(annotationKey)}: ${JSON.stringify(status)}`].join(
    '\n',
  )
  return [
    '### Deploy',
    `Gate annotation: ${code(gateAnnotation(annotationKey, status), 400)}. The <code>pod-annotations</code> output holds it as JSON for a pod template:`,
    codeBlock(podAnnotations(annotationKey, status), 'json'),
    codeBlock(yaml, 'yaml'),
    'A pod annotation is advisory: anyone who can create a pod can write one. The cluster should rely on the signature, whose signed annotations cannot be forged.',
  ].join('\n\n')
}

export function reportsLine(paths: { json?: string; sarif?: string; predicate?: string }): string {
  const named = [
    ...(paths.json === undefined ? [] : [`JSON ${code(paths.json, 400)}`]),
    ...(paths.sarif === undefined ? [] : [`SARIF ${code(paths.sarif, 400)}`]),
    ...(paths.predicate === undefined ? [] : [`vuln predicate ${code(paths.predicate, 400)}`]),
  ]
  return named.length === 0 ? '' : `**Reports**: ${named.join(' · ')}`
}
