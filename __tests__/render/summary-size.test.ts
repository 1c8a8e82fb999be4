// The summary shows the worst few dozen findings of each list, grouped by package, and stays under its byte limit
// for any number of findings: a list that shows fewer rows than it has says how many and where the rest are.
import { describe, expect, test } from 'vitest'
import { SUMMARY_LIMIT_BYTES, renderSummary, type SummaryContext } from '../../src/render/summary.js'
import type { IgnoredFinding, Verdict } from '../../src/report/verdict.js'
import { budgets, exception, gateOf, IMAGE, manyFindings, NOW, verdictOf } from './builders.js'
import { MAX_LISTED_ROWS } from '../../src/render/summary-tables.js'

const PATHS = { json: '/home/runner/work/_temp/vouch/trivy.json', sarif: '/home/runner/work/_temp/vouch/trivy.sarif' }

function context(verdict: Verdict, limitBytes?: number): SummaryContext {
  return {
    verdict,
    image: IMAGE,
    platforms: ['linux/amd64', 'linux/arm64'],
    trivyVersion: '0.74.0',
    now: NOW,
    enforce: true,
    annotationKey: 'security.example.com/scan-status',
    reportPaths: PATHS,
    ...(limitBytes === undefined ? {} : { limitBytes }),
  }
}

const LEFT_OUT = /\*\*([\d,]+) of ([\d,]+) shown\*\*/g

function number(text: string | undefined): number {
  return Number((text ?? '').replace(/,/g, ''))
}

/** Per listed table: the rows shown and the rows the note says were left out. */
function tables(summary: string): { heading: string; shown: number; leftOut: number; total: number }[] {
  return summary
    .split(/\n(?=### )/)
    .filter((section) => /^### .*\(([\d,]+)\)$/m.test(section.split('\n')[0] ?? ''))
    .map((section) => {
      const heading = section.split('\n')[0] ?? ''
      const total = number(/\(([\d,]+)\)$/.exec(heading)?.[1])
      const shown = section.split('\n').filter((line) => line.startsWith('| [')).length
      const note = [...section.matchAll(LEFT_OUT)][0]
      // The note counts what the table shows: the two must agree.
      if (note !== undefined) expect(number(note[1])).toBe(shown)
      return { heading, shown, leftOut: note === undefined ? 0 : total - shown, total }
    })
}

describe('summary size', () => {
  const findings = manyFindings(100_000)

  test('100 000 findings: the worst few dozen of each list, grouped by package, and where the rest are', () => {
    const summary = renderSummary(context(verdictOf(gateOf(findings))))
    // A summary a reviewer reads, not a megabyte of rows.
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(100_000)

    const listed = tables(summary)
    expect(listed.map((table) => table.heading.replace(/ \(.*/, ''))).toEqual([
      '### ❌ Findings that breach a budget',
      '### Other counted findings',
    ])
    for (const table of listed) {
      expect(table.shown).toBe(MAX_LISTED_ROWS)
      expect(table.shown + table.leftOut).toBe(table.total)
    }
    expect(listed.reduce((sum, table) => sum + table.total, 0)).toBe(100_000)
    expect(summary).toContain('the worst first, grouped by package. Every finding is in the JSON and SARIF reports')

    // Grouped: each package's rows are adjacent, so no package shows up again after another one started.
    const breaching = summary.slice(summary.indexOf('### ❌ Findings that breach'), summary.indexOf('### Other'))
    const packages = breaching
      .split('\n')
      .filter((line) => line.startsWith('| ['))
      .map((line) => line.split(' | ')[2])
    const seen: string[] = []
    for (const name of packages) if (seen.at(-1) !== name) seen.push(name ?? '')
    expect(seen.length).toBe(new Set(seen).size)
    // The worst first: the breaching table holds only the breached severity's findings.
    expect(breaching).not.toMatch(/\| (MEDIUM|LOW|UNKNOWN) \|/)

    // The parts after the tables are still there, with the way to keep the reports.
    expect(summary).toContain('### Deploy')
    expect(summary).toContain('### Reports')
    expect(summary).toContain('actions/upload-artifact@')
  })

  test('100 000 counted and 100 000 ignored findings with multi-byte titles stay under the limit', () => {
    const wide = findings.map((item) => ({ ...item, title: `脆弱性 ${'🔥'.repeat(40)} ${item.title ?? ''}` }))
    const ignored: IgnoredFinding[] = wide.map((item) => ({
      finding: item,
      reason: { kind: 'exception', exception: exception({ id: item.id, statement: '影響なし '.repeat(30) }) },
    }))
    const summary = renderSummary(context(verdictOf(gateOf(wide, { ignored }))))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(SUMMARY_LIMIT_BYTES)
    const listed = tables(summary)
    expect(listed.reduce((sum, table) => sum + table.shown + table.leftOut, 0)).toBe(200_000)
    expect(listed.at(-1)).toMatchObject({
      heading: '### Ignored findings (100,000)',
      shown: MAX_LISTED_ROWS,
      leftOut: 100_000 - MAX_LISTED_ROWS,
    })
  })

  test.each([20_000, 60_000])('a limit of %i bytes holds, and rows are cut, not the rest', (limit) => {
    const summary = renderSummary(context(verdictOf(gateOf(findings.slice(0, 5_000))), limit))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(limit)
    const listed = tables(summary)
    expect(listed.reduce((sum, table) => sum + table.shown + table.leftOut, 0)).toBe(5_000)
    expect(listed.some((table) => table.leftOut > 0)).toBe(true)
    expect(summary).toContain('### Budgets')
    expect(summary).toContain('### Deploy')
  })

  test('long report paths full of characters to escape do not push the summary over', () => {
    const path = `/tmp/${'&<|'.repeat(2_000)}`
    const summary = renderSummary({
      ...context(verdictOf(gateOf(findings.slice(0, 5_000))), 60_000),
      reportPaths: { json: path, sarif: path, predicate: path },
    })
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(60_000)
    expect(summary).toContain('### Deploy')
    expect(summary).toMatch(LEFT_OUT)
  })

  test('a list of a few dozen is shown whole', () => {
    const summary = renderSummary(
      context(verdictOf(gateOf(findings.slice(0, MAX_LISTED_ROWS), { budgets: budgets() }))),
    )
    expect(summary).not.toMatch(LEFT_OUT)
    expect(tables(summary).reduce((sum, table) => sum + table.shown, 0)).toBe(MAX_LISTED_ROWS)
  })

  test('a limit smaller than the fixed parts still gives a summary within it', () => {
    const summary = renderSummary(context(verdictOf(gateOf(findings.slice(0, 10))), 120))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(120)
    expect(summary.startsWith('## vouch: failed')).toBe(true)
  })
})
