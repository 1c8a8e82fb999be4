// GitHub code scanning rejects a SARIF run of more than 25,000 results: the run keeps the most severe (counted
// findings before ignored ones, each worst first), keeps rules only for what it keeps, and says how many it left out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  SARIF_RESULT_LIMIT,
  sarifOmitted,
  sarifText,
  type SarifContext,
  type SarifLog,
} from '../../src/render/sarif.js'
import type { Finding } from '../../src/report/model.js'
import type { GateResult } from '../../src/report/verdict.js'
import { writeSarifAndPredicate } from '../../src/stages/reports.js'
import { budgets, finding, gateOf, IMAGE, manyFindings, NOW } from './builders.js'
import { oracleText } from './sarif-oracle.js'

vi.mock('@actions/core', async (original) => ({
  ...(await original<typeof import('@actions/core')>()),
  warning: vi.fn(),
}))

afterEach(() => {
  vi.mocked(core.warning).mockClear()
})

function run(context: SarifContext): SarifLog['runs'][number] {
  const log = JSON.parse(sarifText(context)) as SarifLog
  const [only] = log.runs
  if (only === undefined) throw new Error('no run')
  return only
}

/** Counted: two CRITICAL, one HIGH, one LOW (CVE-A twice); ignored: three MEDIUM, set aside as unfixed. */
function gate(): GateResult {
  const counted = [
    finding({ id: 'CVE-A', pkgName: 'a', severity: 'CRITICAL', cvssScore: 9.1 }),
    finding({ id: 'CVE-B', pkgName: 'b', severity: 'CRITICAL', cvssScore: 9.8 }),
    finding({ id: 'CVE-C', pkgName: 'c', severity: 'HIGH', cvssScore: 7.5 }),
    // Rated higher than the kept CVE-A by its score: the rule must not take it from a result left out.
    finding({ id: 'CVE-A', pkgName: 'd', severity: 'LOW', cvssScore: 9.9 }),
  ]
  const ignored = ['CVE-D', 'CVE-E', 'CVE-C'].map((id, index) => ({
    finding: finding({ id, pkgName: `i${index}`, severity: 'MEDIUM', cvssScore: 5 }),
    reason: { kind: 'unfixed' as const },
  }))
  return gateOf(counted, { budgets: budgets(), ignored })
}

const ids = (findings: Finding[]) => findings.map((item) => item.id)

describe('a run over the limit', () => {
  test('keeps the counted findings first, then as many ignored ones as fit, and says how many it left out', () => {
    const whole = gate()
    const kept = run({ gate: whole, trivyVersion: 'v0.74.0', image: IMAGE, resultLimit: 5 })
    expect(kept.results.map((result) => result.ruleId)).toEqual([...ids(whole.counted), 'CVE-D'])
    expect(kept.results.map((result) => result.suppressions === undefined)).toEqual([true, true, true, true, false])
    expect(kept.properties).toEqual({ imageName: IMAGE, repoDigests: [IMAGE], omittedResults: 2 })
    expect(sarifOmitted(whole, 5)).toBe(2)
  })

  test('keeps rules only for the results it keeps, each rated by its most severe kept finding', () => {
    const whole = gate()
    const kept = run({ gate: whole, trivyVersion: 'v0.74.0', image: '', resultLimit: 3 })
    const rules = kept.tool.driver.rules
    expect(rules.map((rule) => rule.id)).toEqual(ids(whole.counted.slice(0, 3)))
    for (const result of kept.results) expect(rules[result.ruleIndex]?.id).toBe(result.ruleId)
    expect(rules.find((rule) => rule.id === 'CVE-A')?.properties['security-severity']).toBe('9.1')
    expect(kept.properties).toEqual({ omittedResults: 4 })
  })

  test('with room for every result, the run is the one written without a limit, byte for byte', () => {
    const whole = gate()
    const context = { gate: whole, trivyVersion: 'v0.74.0', image: IMAGE }
    expect(sarifText({ ...context, resultLimit: 7 })).toBe(oracleText(context))
    expect(sarifOmitted(whole, 7)).toBe(0)
    expect(run({ ...context, resultLimit: 7 }).properties).not.toHaveProperty('omittedResults')
  })

  test(`the default limit is GitHub's, ${SARIF_RESULT_LIMIT}`, () => {
    const findings = manyFindings(SARIF_RESULT_LIMIT + 1)
    const kept = run({ gate: gateOf(findings, { budgets: budgets() }), trivyVersion: 'v0.74.0', image: IMAGE })
    expect(SARIF_RESULT_LIMIT).toBe(25_000)
    expect(kept.results).toHaveLength(25_000)
    expect(kept.properties?.omittedResults).toBe(1)
  })
})

describe('the reports stage', () => {
  const write = async (count: number) => {
    const work = mkdtempSync(path.join(tmpdir(), 'vouch-sarif-limit-'))
    try {
      const findings = manyFindings(count)
      const gate = gateOf(findings, { budgets: budgets() })
      const files = { sarif: path.join(work, 'trivy.sarif'), predicate: path.join(work, 'vuln-predicate.json') }
      const context = { gate, trivyVersion: 'v0.74.0', image: IMAGE }
      await writeSarifAndPredicate(files, context, {
        ...context,
        dbRepository: 'db',
        scanStartedOn: NOW,
        scanFinishedOn: NOW,
      })
      const sarif = JSON.parse(readFileSync(files.sarif, 'utf8')) as SarifLog
      const predicate = readFileSync(files.predicate, 'utf8')
      return { results: sarif.runs[0]?.results.length, predicate }
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }

  test('warns when it leaves results out, and the predicate still holds every finding', async () => {
    const written = await write(SARIF_RESULT_LIMIT + 2)
    expect(written.results).toBe(SARIF_RESULT_LIMIT)
    expect(vi.mocked(core.warning).mock.calls).toEqual([
      [
        'The SARIF report holds 25,000 of 25,002 results, the most severe (counted findings first): GitHub code ' +
          'scanning rejects a run of more. 2 left out; the Trivy JSON report and the predicate hold every finding.',
      ],
    ])
    expect(written.predicate.match(/"VulnerabilityID"/g)).toHaveLength(SARIF_RESULT_LIMIT + 2)
  })

  test('says nothing when every result fits', async () => {
    expect((await write(SARIF_RESULT_LIMIT)).results).toBe(SARIF_RESULT_LIMIT)
    expect(core.warning).not.toHaveBeenCalled()
  })
})
