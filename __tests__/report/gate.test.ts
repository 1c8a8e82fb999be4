// Holding findings against budgets: boundaries, what is set aside and why, breaches, and the verdict.
import { describe, expect, test } from 'vitest'
import { decide, holdGate, type GateInput } from '../../src/report/gate.js'
import type { Budgets, Finding, ScanReport, Severity } from '../../src/report/model.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import type { Exception } from '../../src/report/verdict.js'
import { finding, readFixture } from './helpers.js'

const TODAY = '2025-06-15'
const NO_LIMIT: Budgets = { CRITICAL: null, HIGH: null, MEDIUM: null, LOW: null, UNKNOWN: null }
const DEFAULT: Budgets = { ...NO_LIMIT, CRITICAL: 0, HIGH: 0 }

const read = (name: string, platform?: string): ScanReport =>
  readTrivyReport(readFixture(name), platform ? { platform } : {})

function gate(overrides: Partial<GateInput>) {
  return holdGate({
    findings: [],
    modified: [],
    budgets: DEFAULT,
    exceptions: [],
    ignoreUnfixed: false,
    today: TODAY,
    ...overrides,
  })
}

const fromReport = (report: ScanReport, overrides: Partial<GateInput> = {}) =>
  gate({ findings: report.findings, modified: report.modified, ...overrides })

const many = (count: number, severity: Severity): Finding[] =>
  Array.from({ length: count }, (_, n) => finding({ id: `CVE-2024-${severity}-${n}`, severity }))

describe('budgets', () => {
  test.each([
    [0, 0, 'passed'],
    [0, 1, 'failed'],
    [2, 2, 'passed'],
    [2, 3, 'failed'],
    [null, 250, 'passed'],
  ])('budget %s, %i counted: %s', (budget, count, status) => {
    const result = gate({ findings: many(count, 'MEDIUM'), budgets: { ...NO_LIMIT, MEDIUM: budget } })
    expect(result.counts.MEDIUM).toBe(count)
    expect(decide(result).status).toBe(status)
  })

  test('each severity is held against its own budget', () => {
    const findings = [...many(1, 'CRITICAL'), ...many(5, 'LOW')]
    const result = gate({ findings, budgets: { ...NO_LIMIT, CRITICAL: 1, LOW: 4 } })
    expect(result.breaches.map(({ severity, budget, counted }) => ({ severity, budget, counted }))).toEqual([
      { severity: 'LOW', budget: 4, counted: 5 },
    ])
    expect(result.budgets).toEqual({ ...NO_LIMIT, CRITICAL: 1, LOW: 4 })
  })

  test('a real report against the default budgets (alpine-39): the two CRITICAL musl findings breach', () => {
    const result = fromReport(read('alpine-39.json.golden'))
    expect(result.counts).toEqual({ CRITICAL: 2, HIGH: 0, MEDIUM: 4, LOW: 0, UNKNOWN: 0 })
    expect(result.breaches).toHaveLength(1)
    const [breach] = result.breaches
    expect(breach).toMatchObject({ severity: 'CRITICAL', budget: 0, counted: 2 })
    expect(breach?.findings.map((one) => `${one.id} ${one.pkgName}`)).toEqual([
      'CVE-2019-14697 musl',
      'CVE-2019-14697 musl-utils',
    ])
    expect(decide(result)).toEqual({ status: 'failed', gate: result })
  })

  test('every breaching severity lists exactly its own findings, worst severity first', () => {
    const findings = [...many(2, 'LOW'), ...many(2, 'HIGH'), ...many(1, 'CRITICAL'), ...many(3, 'MEDIUM')]
    const result = gate({ findings, budgets: { ...NO_LIMIT, CRITICAL: 0, HIGH: 1, MEDIUM: 3, LOW: 1 } })
    expect(result.breaches.map((breach) => [breach.severity, breach.findings.length])).toEqual([
      ['CRITICAL', 1],
      ['HIGH', 2],
      ['LOW', 2],
    ])
    for (const breach of result.breaches) {
      expect(breach.findings.every((one) => one.severity === breach.severity)).toBe(true)
    }
  })

  test('a clean report passes with every count zero', () => {
    const result = fromReport(read('alpine-39-skip.json.golden'))
    expect(decide(result).status).toBe('passed')
    expect(result).toMatchObject({ counted: [], ignored: [], breaches: [], fixable: 0, expiredExceptions: [] })
    expect(Object.values(result.counts)).toEqual([0, 0, 0, 0, 0])
  })
})

describe('what is counted', () => {
  test('duplicates across platforms count once (alpine-39 on two platforms)', () => {
    const findings = [...read('alpine-39.json.golden', 'linux/amd64').findings]
    findings.push(...read('alpine-39.json.golden', 'linux/arm64').findings)
    const result = gate({ findings })
    expect(result.counted).toHaveLength(6)
    expect(result.counts.CRITICAL).toBe(2)
    expect(result.counted[0]?.platforms).toEqual(['linux/amd64', 'linux/arm64'])
  })

  test('fixable counts counted findings with a fix (debian-buster: one fixed, one affected)', () => {
    const result = fromReport(read('debian-buster.json.golden'), { budgets: NO_LIMIT })
    expect(result.counted).toHaveLength(2)
    expect(result.fixable).toBe(1)
  })

  test('counted is ordered by severity, then fixable first, then ID', () => {
    const findings = [
      finding({ id: 'CVE-B', severity: 'LOW', fixable: false, status: 'affected' }),
      finding({ id: 'CVE-Z', severity: 'HIGH', fixable: false, status: 'affected' }),
      finding({ id: 'CVE-C', severity: 'LOW' }),
      finding({ id: 'CVE-Y', severity: 'HIGH' }),
      finding({ id: 'CVE-A', severity: 'LOW' }),
      finding({ id: 'CVE-X', severity: 'CRITICAL', fixable: false, status: 'affected' }),
    ]
    const order = gate({ findings, budgets: NO_LIMIT }).counted.map((one) => one.id)
    expect(order).toEqual(['CVE-X', 'CVE-Y', 'CVE-Z', 'CVE-A', 'CVE-C', 'CVE-B'])
  })
})

describe('what is set aside', () => {
  test('ignore-unfixed sets aside findings without a fix (centos-7: will_not_fix)', () => {
    const report = read('centos-7.json.golden')
    expect(fromReport(report).counts.LOW).toBe(2)
    const result = fromReport(report, { ignoreUnfixed: true })
    expect(result.counts.LOW).toBe(1)
    expect(result.ignored).toEqual([
      { finding: expect.objectContaining({ id: 'CVE-2019-18276' }), reason: { kind: 'unfixed' } },
    ])
  })

  test('ignore-unfixed in a report older than Status: a FixedVersion is the fix (v0.18.3)', () => {
    const result = fromReport(read('historical/v0.18.3/alpine-310.json.golden'), { ignoreUnfixed: true })
    expect(result.ignored).toEqual([])
    expect(result.counts).toMatchObject({ MEDIUM: 6, LOW: 2 })
  })

  test('Status not_affected is set aside even without ignore-unfixed (all_statuses)', () => {
    const result = fromReport(read('defectdojo/all_statuses.json'), { budgets: NO_LIMIT })
    expect(result.ignored.map(({ finding: one, reason }) => [one.id, reason.kind])).toEqual([
      ['CVE-2019-18276', 'not_affected'],
    ])
    expect(result.counts.LOW).toBe(7)
  })

  test('with ignore-unfixed, all_statuses keeps only the fixed finding', () => {
    const result = fromReport(read('defectdojo/all_statuses.json'), { ignoreUnfixed: true })
    expect(result.counted.map((one) => one.status)).toEqual(['fixed'])
    expect(result.ignored.filter(({ reason }) => reason.kind === 'not_affected')).toHaveLength(1)
    expect(result.ignored.filter(({ reason }) => reason.kind === 'unfixed')).toHaveLength(6)
  })

  test('VEX-modified findings are set aside with their statement and source (npm-with-suppressed)', () => {
    const result = fromReport(read('npm-with-suppressed.json.golden'))
    expect(result.counts.HIGH).toBe(1)
    expect(result.ignored).toEqual([
      {
        finding: expect.objectContaining({ id: 'CVE-2017-16137', severity: 'LOW' }),
        reason: { kind: 'vex', statement: 'vulnerable_code_not_in_execute_path', source: './vex.json' },
      },
    ])
  })

  test('an exception sets aside the findings it matches, and names itself as the reason', () => {
    const exception: Exception = {
      id: 'CVE-2019-14697',
      statement: 'musl not reachable',
      source: '.trivyignore.yaml:2',
    }
    const result = fromReport(read('alpine-39.json.golden'), { exceptions: [exception] })
    expect(result.counts.CRITICAL).toBe(0)
    expect(result.ignored.map(({ finding: one, reason }) => [one.pkgName, reason])).toEqual([
      ['musl', { kind: 'exception', exception }],
      ['musl-utils', { kind: 'exception', exception }],
    ])
    expect(decide(result).status).toBe('passed')
  })

  test.each([
    ['an exception before not_affected', { status: 'not_affected', fixable: false }, true, 'exception'],
    ['not_affected before unfixed', { status: 'not_affected', fixable: false }, false, 'not_affected'],
    ['an exception before unfixed', { status: 'affected', fixable: false }, true, 'exception'],
  ])('the first reason that applies wins: %s', (_, fields, withException, kind) => {
    const exceptions: Exception[] = withException ? [{ id: 'CVE-2024-0001', source: '.trivyignore:1' }] : []
    const result = gate({ findings: [finding(fields)], exceptions, ignoreUnfixed: true })
    expect(result.ignored.map(({ reason }) => reason.kind)).toEqual([kind])
  })
})

describe('expired exceptions', () => {
  const musl = (expiresOn: string): Exception => ({ id: 'CVE-2019-14697', expiresOn, source: '.trivyignore:3' })

  test.each([
    ['yesterday', '2025-06-14', 2, true],
    ['today', '2025-06-15', 0, false],
    ['tomorrow', '2025-06-16', 0, false],
  ])('an exception expiring %s: %i CRITICAL counted', (_, expiresOn, critical, expired) => {
    const result = fromReport(read('alpine-39.json.golden'), { exceptions: [musl(expiresOn)] })
    expect(result.counts.CRITICAL).toBe(critical)
    expect(result.expiredExceptions).toEqual(expired ? [musl(expiresOn)] : [])
  })

  test('every expired exception is listed, also one that matches nothing', () => {
    const stale: Exception = { id: 'CVE-1999-0001', expiresOn: '2020-01-01', source: '.trivyignore:9' }
    const result = fromReport(read('alpine-39.json.golden'), { exceptions: [musl('2030-01-01'), stale] })
    expect(result.expiredExceptions).toEqual([stale])
    expect(result.counts.CRITICAL).toBe(0)
  })
})

describe('purity', () => {
  test('the same input gives the same gate, and the input is left as it was', () => {
    const findings = [...read('alpine-39.json.golden', 'linux/amd64').findings]
    findings.push(...read('alpine-39.json.golden', 'linux/arm64').findings)
    const before = structuredClone(findings)
    const input = { findings, budgets: DEFAULT, ignoreUnfixed: true }
    expect(gate(input)).toEqual(gate(input))
    expect(findings).toEqual(before)
  })
})
