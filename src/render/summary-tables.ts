// The job summary's finding tables, filled row by row within a byte budget: rows are built only while they fit,
// and what does not fit is counted and pointed to in the full reports. Linear in the rows shown, not in the findings.
import type { Finding } from '../report/model.js'
import type { IgnoredFinding } from '../report/verdict.js'
import { advisoryUrl, reasonText, versionChange } from './findings.js'
import { byteLength, code, escapeText, formatCount, link, tableHeader, tableRow } from './markdown.js'

/** Lists longer than this fold into <details>. */
export const OPEN_ROWS = 20

/** A table to fill: its rows are made one at a time, only when asked for. */
export interface RowList {
  heading: string
  /** What one row is, for the fold: `finding`. */
  noun: string
  headings: readonly string[]
  total: number
  rows: Iterable<string>
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
  if (platformCount > 1 && finding.platforms.length >= platformCount) return 'all'
  return escapeText(finding.platforms.join(', '), 120)
}

function packageCell(finding: Finding): string {
  const path = finding.pkgPath === undefined ? '' : ` (${finding.pkgPath})`
  return escapeText(`${finding.pkgName}${path}`, 120)
}

export function findingsList(heading: string, findings: readonly Finding[], platformCount: number): RowList {
  const showPlatforms = platformCount > 1
  return {
    heading,
    noun: 'finding',
    total: findings.length,
    headings: [
      'Vulnerability',
      'Package',
      'Installed → fixed',
      'Severity',
      'Title',
      ...(showPlatforms ? ['Platforms'] : []),
    ],
    rows: lazily(findings, (finding) =>
      tableRow([
        link(finding.id, advisoryUrl(finding)),
        packageCell(finding),
        escapeText(versionChange(finding), 120),
        finding.severity,
        escapeText(finding.title ?? '', 200),
        ...(showPlatforms ? [platformsCell(finding, platformCount)] : []),
      ]),
    ),
  }
}

export function ignoredList(heading: string, ignored: readonly IgnoredFinding[]): RowList {
  return {
    heading,
    noun: 'ignored finding',
    total: ignored.length,
    headings: ['Vulnerability', 'Package', 'Installed → fixed', 'Severity', 'Why it is not counted'],
    rows: lazily(ignored, ({ finding, reason }) =>
      tableRow([
        link(finding.id, advisoryUrl(finding)),
        packageCell(finding),
        escapeText(versionChange(finding), 120),
        finding.severity,
        escapeText(reasonText(reason), 400),
      ]),
    ),
  }
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

/** Room to keep for the cut notes of `count` lists: each at its longest, with the separator before it. */
export function noteReserveBytes(count: number, paths: ReportPaths): number {
  return count * (byteLength(cutNote(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, paths)) + 2)
}

export function cutNote(leftOut: number, total: number, paths: ReportPaths): string {
  const where = [
    ...(paths.json === undefined ? [] : [`the JSON report ${code(paths.json, 400)}`]),
    ...(paths.sarif === undefined ? [] : [`the SARIF report ${code(paths.sarif, 400)}`]),
  ]
  const full =
    where.length === 0
      ? 'the JSON and SARIF reports (the <code>json-report</code> and <code>sarif-report</code> outputs)'
      : where.join(' and ')
  return `**${formatCount(leftOut)} of ${formatCount(total)} rows left out** to keep this summary under GitHub's size limit; the full list is in ${full}.`
}

/**
 * Renders the lists in order within `budgetBytes`. Once a row does not fit, no later row is tried: the budget is
 * spent, and every list from there on is cut, each with a note saying how many rows it left out.
 */
export function renderLists(lists: readonly RowList[], budgetBytes: number, paths: ReportPaths): string[] {
  let remaining = budgetBytes
  let spent = false
  const sections: string[] = []
  for (const list of lists) {
    const total = list.total
    if (total === 0) continue
    const folded = total > OPEN_ROWS
    const heading = `${list.heading} (${formatCount(total)})`
    const open = tableHeader(list.headings)
    const fold = folded ? `<details><summary>Show ${plural(total, list.noun)}</summary>\n\n` : ''
    const unfold = folded ? '\n\n</details>' : ''
    const frame = byteLength(heading) + byteLength(fold) + byteLength(open) + byteLength(unfold) + 8
    const rows: string[] = []
    if (!spent && frame < remaining) {
      remaining -= frame
      for (const row of list.rows) {
        const size = byteLength(row) + 1
        if (size > remaining) {
          spent = true
          break
        }
        rows.push(row)
        remaining -= size
      }
    } else {
      spent = true
    }
    const parts = [heading]
    if (rows.length > 0) parts.push(`${fold}${[open, ...rows].join('\n')}${unfold}`)
    if (rows.length < total) parts.push(cutNote(total - rows.length, total, paths))
    sections.push(parts.join('\n\n'))
  }
  return sections
}
