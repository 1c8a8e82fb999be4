import { describe, expect, test } from 'vitest'
import { ANNOTATED_FINDINGS, workflowAnnotations } from '../../src/render/workflow-annotations.js'
import { budgets, exception, finding, fixtureFindings, gateOf, manyFindings, verdictOf } from './builders.js'

describe('workflow annotations', () => {
  test('one error per breaching finding: ID, severity, package installed → fixed, title', () => {
    const verdict = verdictOf(gateOf(fixtureFindings('alpine-39-high-critical.json.golden')))
    expect(workflowAnnotations(verdict)).toEqual({
      errors: [
        'CVE-2019-14697 (CRITICAL) in musl 1.1.20-r4 → 1.1.20-r5',
        'CVE-2019-14697 (CRITICAL) in musl-utils 1.1.20-r4 → 1.1.20-r5',
      ],
      warnings: [],
    })
  })

  test('the title follows when there is one; no fix is said so', () => {
    const verdict = verdictOf(
      gateOf([finding({ severity: 'HIGH', fixedVersion: undefined, fixable: false, status: 'will_not_fix' })]),
    )
    expect(workflowAnnotations(verdict).errors).toEqual([
      'CVE-2019-1549 (HIGH) in libssl1.1 1.1.1c-r0 → no fix (will_not_fix): openssl: information disclosure in fork()',
    ])
  })

  test('only findings of a breached severity get an error, worst and fixable first', () => {
    const verdict = verdictOf(
      gateOf(
        [
          finding({ id: 'CVE-2024-0003', severity: 'HIGH', fixable: false, fixedVersion: undefined }),
          finding({ id: 'CVE-2024-0001', severity: 'MEDIUM' }),
          finding({ id: 'CVE-2024-0002', severity: 'HIGH' }),
        ],
        { budgets: budgets({ HIGH: 1 }) },
      ),
    )
    expect(workflowAnnotations(verdict).errors.map((line) => line.split(' ')[0])).toEqual([
      'CVE-2024-0002',
      'CVE-2024-0003',
    ])
  })

  test(`the first ${ANNOTATED_FINDINGS}, then one line with how many more`, () => {
    const gate = gateOf(manyFindings(711))
    const { errors } = workflowAnnotations(verdictOf(gate))
    const breaching = gate.breaches.reduce((sum, breach) => sum + breach.counted, 0)
    expect(errors).toHaveLength(ANNOTATED_FINDINGS + 1)
    expect(errors.at(-1)).toBe(
      `${breaching - ANNOTATED_FINDINGS} more findings breach a budget; the job summary and reports list them all.`,
    )
  })

  test('a passed verdict has no errors', () => {
    expect(workflowAnnotations(verdictOf(gateOf(fixtureFindings('alpine-310.json.golden'))))).toEqual({
      errors: [],
      warnings: [],
    })
  })

  test('a warning per expired exception', () => {
    const gate = gateOf([], {
      expiredExceptions: [
        exception({ id: 'CVE-2019-3462', expiresOn: '2026-06-30', source: '.trivyignore:7' }),
        exception({ id: 'GHSA-2h3g-pc7q-5xv7', expiresOn: undefined, source: '.trivyignore.yaml:12' }),
      ],
    })
    expect(workflowAnnotations(verdictOf(gate)).warnings).toEqual([
      'The exception for CVE-2019-3462 (.trivyignore:7) expired on 2026-06-30 and suppresses nothing; renew or remove it.',
      'The exception for GHSA-2h3g-pc7q-5xv7 (.trivyignore.yaml:12) expired and suppresses nothing; renew or remove it.',
    ])
  })

  test('an error verdict without a gate has none', () => {
    expect(workflowAnnotations({ status: 'error', cause: 'boom' })).toEqual({ errors: [], warnings: [] })
  })

  test('scanner text is one line, and long titles are cut', () => {
    const verdict = verdictOf(gateOf([finding({ severity: 'CRITICAL', title: `a\nb\r\n${'x'.repeat(5_000)}` })]))
    const [line] = workflowAnnotations(verdict).errors
    expect(line).not.toMatch(/[\r\n]/)
    expect(line?.length).toBeLessThan(500)
    expect(line).toContain(': a b xxx')
  })
})
