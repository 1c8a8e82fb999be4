// The summary stays under its byte limit for any number of findings: rows that do not fit are counted in a line
// that names the full reports.
import { describe, expect, test } from 'vitest'
import { SUMMARY_LIMIT_BYTES, renderSummary, type SummaryContext } from '../../src/render/summary.js'
import type { IgnoredFinding, Verdict } from '../../src/report/verdict.js'
import { budgets, exception, gateOf, IMAGE, manyFindings, NOW, verdictOf } from './builders.js'

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

const LEFT_OUT = /\*\*([\d,]+) of ([\d,]+) rows left out\*\*/g

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
      return { heading, shown, leftOut: note === undefined ? 0 : number(note[1]), total }
    })
}

describe('summary size', () => {
  const findings = manyFindings(100_000)

  test('100 000 findings: under 1 MB, with the rows left out counted and the reports named', () => {
    const summary = renderSummary(context(verdictOf(gateOf(findings))))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(SUMMARY_LIMIT_BYTES).toBeLessThan(1_048_576)

    const listed = tables(summary)
    expect(listed.map((table) => table.heading.replace(/ \(.*/, ''))).toEqual([
      '### ❌ Findings that breach a budget',
      '### Other counted findings',
    ])
    for (const table of listed) expect(table.shown + table.leftOut).toBe(table.total)
    expect(listed.reduce((sum, table) => sum + table.shown + table.leftOut, 0)).toBe(100_000)
    // The budget was used: thousands of rows shown, the rest cut.
    expect(listed.reduce((sum, table) => sum + table.shown, 0)).toBeGreaterThan(1_000)
    expect(listed.reduce((sum, table) => sum + table.leftOut, 0)).toBeGreaterThan(50_000)

    const notes = [...summary.matchAll(LEFT_OUT)]
    expect(notes.length).toBeGreaterThan(0)
    expect(summary).toContain(`the JSON report <code>/home/runner/work/&#95;temp/vouch/trivy.json</code>`)
    expect(summary).toContain(`the SARIF report <code>/home/runner/work/&#95;temp/vouch/trivy.sarif</code>`)
    // The parts after the tables are still there.
    expect(summary).toContain('### Deploy')
    expect(summary.endsWith('</code>\n')).toBe(true)
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
    expect(listed.at(-1)).toMatchObject({ heading: '### Ignored findings (100,000)', shown: 0, leftOut: 100_000 })
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

  test('a summary that fits is not cut', () => {
    const summary = renderSummary(context(verdictOf(gateOf(findings.slice(0, 500), { budgets: budgets() }))))
    expect(summary).not.toMatch(LEFT_OUT)
    expect(tables(summary).reduce((sum, table) => sum + table.shown, 0)).toBe(500)
  })

  test('a limit smaller than the fixed parts still gives a summary within it', () => {
    const summary = renderSummary(context(verdictOf(gateOf(findings.slice(0, 10))), 120))
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(120)
    expect(summary.startsWith('## vouch: failed')).toBe(true)
  })
})
