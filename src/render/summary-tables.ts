// The job summary's finding tables: the worst few dozen of each list, grouped by package, filled row by row within a
// byte budget (rows are built only while they fit). What is not shown is counted and pointed to in the full reports.
// Linear in the rows shown, not in the findings.
import type { Finding } from '../report/model.js'
import type { Exception, IgnoredFinding, IgnoreReason } from '../report/verdict.js'
import { LISTED_FINDINGS, advisoryUrl, fixedText } from './findings.js'
import { byteLength, code, escapeText, formatCount, link, tableHeader, tableRow } from './markdown.js'

/** Lists longer than this fold into <details>; a list that keeps rows open shows this many before the fold. */
export const OPEN_ROWS = 20
/** Rows a list shows at most (findings.ts LISTED_FINDINGS). */
export const MAX_LISTED_ROWS = LISTED_FINDINGS
/** Characters of a title in a table: enough to tell what it is; the advisory has the rest. */
export const TITLE_CHARS = 70
/** Beyond this many platforms, a finding seen on all of them says `all N` instead of naming each. */
const NAMED_PLATFORMS = 3

/** A table to fill: its rows are made one at a time, only when asked for. */
export interface RowList {
  heading: string
  /** What one row is, for the fold: `finding`. */
  noun: string
  headings: readonly string[]
  total: number
  /** Rows offered, at most MAX_LISTED_ROWS: fewer than total when the rest is left to the reports. */
  listed: number
  rows: Iterable<string>
  /** Rows shown before the fold when the list is longer than OPEN_ROWS; 0 folds it all. */
  openRows: number
}

function* lazily<T>(items: readonly T[], row: (item: T) => string): Generator<string> {
  for (const item of items) yield row(item)
}

export interface ReportPaths {
  json?: string
  sarif?: string
  predicate?: string
}

function platformsCell(finding: Finding, platformCount: number): string {
  if (finding.platforms.length === 0) return ''
  if (platformCount > NAMED_PLATFORMS && finding.platforms.length >= platformCount) return `all ${platformCount}`
  return finding.platforms.map((platform) => escapeText(platform, 60)).join('<br>')
}

// Cells stack their parts on lines of their own (<br>): a narrow column wraps where a reader expects it, not inside a
// CVE ID or a version at a hyphen, which is where a browser breaks a squeezed table cell.

/** The ID, linked to its advisory, with the title under it, and a mark when an exception for it has expired. */
function vulnerabilityCell(finding: Finding, expired?: ReadonlyMap<string, Exception>): string {
  const title = (finding.title ?? '').trim()
  const lines = [link(finding.id, advisoryUrl(finding))]
  if (title !== '') lines.push(escapeText(title, TITLE_CHARS))
  const exception = expired?.get(finding.id)
  if (exception !== undefined) {
    const when = exception.expiresOn === undefined ? '' : ` on ${escapeText(exception.expiresOn, 40)}`
    lines.push(`⚠️ its exception expired${when}`)
  }
  return lines.join('<br>')
}

function packageCell(finding: Finding): string {
  const name = escapeText(finding.pkgName, 120)
  return finding.pkgPath === undefined ? name : `${name}<br>${escapeText(finding.pkgPath, 120)}`
}

function versionsCell(finding: Finding): string {
  return `${escapeText(finding.installedVersion, 60)} →<br>${escapeText(fixedText(finding), 60)}`
}

export function findingsList(
  heading: string,
  findings: readonly Finding[],
  platformCount: number,
  options: { openRows?: number; expired?: readonly Exception[] } = {},
): RowList {
  const showPlatforms = platformCount > 1
  // Said in the row, too: an expired exception is the usual reason a finding that passed before now breaches.
  const expired = new Map((options.expired ?? []).map((exception) => [exception.id, exception]))
  // splitByBreach (findings.ts) has already grouped the list by package, worst first.
  const shown = findings.slice(0, MAX_LISTED_ROWS)
  return {
    heading,
    noun: 'finding',
    total: findings.length,
    listed: shown.length,
    openRows: options.openRows ?? 0,
    headings: ['Vulnerability', 'Severity', 'Package', 'Installed → fixed', ...(showPlatforms ? ['Platforms'] : [])],
    rows: lazily(shown, (finding) =>
      tableRow([
        vulnerabilityCell(finding, expired),
        finding.severity,
        packageCell(finding),
        versionsCell(finding),
        ...(showPlatforms ? [platformsCell(finding, platformCount)] : []),
      ]),
    ),
  }
}

export function ignoredList(heading: string, ignored: readonly IgnoredFinding[]): RowList {
  const shown = ignored.slice(0, MAX_LISTED_ROWS)
  return {
    heading,
    noun: 'ignored finding',
    total: ignored.length,
    listed: shown.length,
    openRows: 0,
    headings: ['Vulnerability', 'Severity', 'Package', 'Installed → fixed', 'Why it is not counted'],
    rows: lazily(shown, ({ finding, reason }) =>
      tableRow([
        vulnerabilityCell(finding),
        finding.severity,
        packageCell(finding),
        versionsCell(finding),
        whyIgnored(reason),
      ]),
    ),
  }
}

/** The reason a reviewer weighs first (the statement), then who decided it and until when. Escaped. */
export function whyIgnored(reason: IgnoreReason): string {
  switch (reason.kind) {
    case 'exception': {
      const { statement, expiresOn, source } = reason.exception
      const said = statement === undefined || statement.trim() === '' ? 'No statement given' : statement
      const until = expiresOn === undefined ? 'with no expiry date' : `until ${expiresOn}`
      return `${escapeText(said, 300)} (exception ${escapeText(until, 60)}, ${code(source, 200)})`
    }
    case 'unfixed':
      return 'No fixed version yet (<code>ignore-unfixed</code>)'
    case 'not_affected':
      return 'Trivy reports it as not affected'
    case 'vex': {
      const said = reason.statement === undefined || reason.statement === '' ? 'not affected' : reason.statement
      const from = reason.source === undefined || reason.source === '' ? '' : `, ${code(reason.source, 200)}`
      return `${escapeText(said, 300)} (VEX${from})`
    }
  }
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

/** Room to keep for the cut notes of `count` lists: each at its longest, with the separator before it. */
export function noteReserveBytes(count: number): number {
  return count * (byteLength(cutNote(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true)) + 2)
}

/** Says how many rows a list shows, which ones, and where the others are: the reports, kept as an artifact. */
export function cutNote(shown: number, total: number, sizeLimited: boolean): string {
  const which = sizeLimited
    ? ", as many as fit under GitHub's size limit for a summary"
    : ', the worst first, grouped by package'
  return `**${formatCount(shown)} of ${formatCount(total)} shown**${which}. Every finding is in the JSON and SARIF reports: see **Reports** below for how to keep them.`
}

/**
 * Renders the lists in order within `budgetBytes`. Once a row does not fit, no later row is tried: the budget is
 * spent, and every list from there on is cut. A list that shows fewer rows than it has ends with a note saying how
 * many it shows and where the rest are. A long list shows
 * its `openRows` first rows and folds the rest into <details>.
 */
export function renderLists(lists: readonly RowList[], budgetBytes: number): string[] {
  let remaining = budgetBytes
  let spent = false
  const sections: string[] = []
  for (const list of lists) {
    const total = list.total
    if (total === 0) continue
    const openCount = list.listed <= OPEN_ROWS ? list.listed : Math.min(list.openRows, list.listed)
    const heading = `${list.heading} (${formatCount(total)})`
    const header = tableHeader(list.headings)
    const foldFrame = byteLength(foldStart(list.listed, list.listed, list.noun)) + byteLength(FOLD_END)
    const frame = byteLength(heading) + 2 * byteLength(header) + foldFrame + 16
    const open: string[] = []
    const folded: string[] = []
    if (!spent && frame < remaining) {
      remaining -= frame
      for (const row of list.rows) {
        const size = byteLength(row) + 1
        if (size > remaining) {
          spent = true
          break
        }
        ;(open.length < openCount ? open : folded).push(row)
        remaining -= size
      }
    } else {
      spent = true
    }
    const parts = [heading]
    if (open.length > 0) parts.push([header, ...open].join('\n'))
    if (folded.length > 0) {
      parts.push(`${foldStart(folded.length, open.length, list.noun)}${[header, ...folded].join('\n')}${FOLD_END}`)
    }
    const shown = open.length + folded.length
    if (shown < total) parts.push(cutNote(shown, total, shown < list.listed))
    sections.push(parts.join('\n\n'))
  }
  return sections
}

const FOLD_END = '\n\n</details>'

function foldStart(count: number, before: number, noun: string): string {
  const what = before > 0 ? `${formatCount(count)} more ${noun}${count === 1 ? '' : 's'}` : plural(count, noun)
  return `<details><summary>Show ${what}</summary>\n\n`
}
