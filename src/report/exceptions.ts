// Exceptions from an ignore file (.trivyignore or .trivyignore.yaml): parsed, checked, and matched to findings.
// vouch applies the file itself instead of handing it to Trivy, so every suppressed finding is listed with its reason.
import { InputError } from '../errors.js'
import type { Finding } from './model.js'
import { isCalendarDate, parseIgnoreYaml } from './ignore-yaml.js'
import { matchesGlob, parsePurl, purlMatches } from './patterns.js'
import type { Exception, ParsedIgnoreFile } from './verdict.js'

/** Reads the file as YAML when its name ends in .yaml/.yml, as Trivy decides, else as a .trivyignore. */
export function parseIgnoreFile(text: string, fileName: string): ParsedIgnoreFile {
  const body = text.replace(/^\uFEFF/, '')
  return /\.ya?ml$/i.test(fileName) ? parseIgnoreYaml(body, fileName) : parseTrivyignore(body, fileName)
}

/**
 * `.trivyignore`: one ID per line, optionally followed by `exp:YYYY-MM-DD`; `#` starts a comment. Trivy skips a
 * line whose date does not parse (so the finding it meant to accept fails the gate with no word why); vouch stops
 * with an input error naming the line instead.
 */
function parseTrivyignore(text: string, fileName: string): ParsedIgnoreFile {
  const exceptions: Exception[] = []
  const warnings: string[] = []
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const source = `${fileName}:${index + 1}`
    const tokens = raw.trim().split(/\s+/)
    const comment = tokens.findIndex((token) => token.startsWith('#'))
    if (comment >= 0) tokens.splice(comment)
    const [id, ...rest] = tokens.filter((token) => token !== '')
    if (id === undefined) return
    const bad = (why: string): InputError => new InputError('ignore-file', raw.trim(), `at ${source} ${why}`)
    if (id.startsWith('exp:')) throw bad('must start with a vulnerability ID, then `exp:YYYY-MM-DD`')
    const exception: Exception = { id, source }
    for (const token of rest) {
      if (!token.startsWith('exp:')) {
        warnings.push(`${source}: \`${token}\` is not read (only \`exp:YYYY-MM-DD\` may follow the ID)`)
        continue
      }
      if (exception.expiresOn !== undefined) throw bad('has two `exp:` dates')
      const date = token.slice('exp:'.length)
      if (!isCalendarDate(date)) throw bad(`has \`${token}\`; the expiry must be a date, \`exp:YYYY-MM-DD\``)
      exception.expiresOn = date
    }
    exceptions.push(exception)
  })
  return { exceptions, warnings }
}

const LISTED = 10

/**
 * Warnings for exceptions that do not say why (no statement: every `.trivyignore` line) or until when (no expiry).
 * One warning per kind of gap, naming each entry once; with `strict`, the same gaps are an input error.
 */
export function checkExceptions(exceptions: Exception[], options: { strict: boolean }): string[] {
  const unexplained = exceptions.filter((exception) => !exception.statement?.trim())
  const unbounded = exceptions.filter((exception) => exception.expiresOn === undefined)
  if (options.strict && (unexplained.length > 0 || unbounded.length > 0)) {
    const first = unexplained[0] ?? unbounded[0]
    const gaps = [describeGap(unexplained, 'no statement'), describeGap(unbounded, 'no expiry date')]
    throw new InputError(
      'ignore-file',
      first?.source ?? '',
      'must give every exception a `statement` and an `expired_at` date (a `.trivyignore.yaml`) because ' +
        `\`strict-exceptions\` is on; ${gaps.filter((gap) => gap !== '').join('; ')}`,
    )
  }
  const warnings: string[] = []
  if (unexplained.length > 0) {
    warnings.push(
      `${describeGap(unexplained, 'no statement')}. Say why each is accepted with \`statement\` in a .trivyignore.yaml`,
    )
  }
  if (unbounded.length > 0) {
    warnings.push(
      `${describeGap(unbounded, 'no expiry date')}. They apply forever; set \`exp:YYYY-MM-DD\` or \`expired_at\``,
    )
  }
  return warnings
}

function describeGap(exceptions: Exception[], gap: string): string {
  if (exceptions.length === 0) return ''
  const named = exceptions.slice(0, LISTED).map((exception) => `${exception.id} (${exception.source})`)
  const more = exceptions.length > LISTED ? ` and ${exceptions.length - LISTED} more` : ''
  const count = exceptions.length === 1 ? '1 exception has' : `${exceptions.length} exceptions have`
  return `${count} ${gap}: ${named.join(', ')}${more}`
}

/**
 * Expired when its last day is before `today` (both YYYY-MM-DD, UTC): an exception expiring today still applies.
 * Trivy itself stops applying `expired_at: D` at the first instant of D (`ExpiredAt.Before(now)`); vouch reads the
 * date as the last day covered, the way people write "accepted until D", and says so in its docs.
 */
export function isExpired(exception: Exception, today: string): boolean {
  return exception.expiresOn !== undefined && exception.expiresOn < today
}

/**
 * Whether an exception covers a finding: the same ID; when it names `paths`, one glob matches the finding's
 * target or its package path (as Trivy tries both); when it names `purls`, one matches the finding's PURL.
 * Unlike Trivy, an exception with `purls` never covers a finding that has no PURL: it covers only what it names.
 */
export function matches(exception: Exception, finding: Finding): boolean {
  if (exception.id !== finding.id) return false
  if (exception.paths?.length) {
    const candidates = [finding.target, finding.pkgPath].filter((path) => path !== undefined && path !== '')
    const hit = exception.paths.some((pattern) => candidates.some((path) => matchesGlob(pattern, path as string)))
    if (!hit) return false
  }
  if (exception.purls?.length) {
    const target = finding.purl === undefined ? undefined : parsePurl(finding.purl)
    if (target === undefined) return false
    const hit = exception.purls.some((text) => {
      const constraint = parsePurl(text)
      return constraint !== undefined && purlMatches(constraint, target)
    })
    if (!hit) return false
  }
  return true
}
