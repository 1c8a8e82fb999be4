// Every real Trivy report in the fixture tree is read, and its counts agree with a count made here from the raw JSON.
import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import { mergeReports } from '../../src/report/merge.js'
import type { Finding } from '../../src/report/model.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import { readFixture, trivyFixtures } from './helpers.js'

type Counts = Record<string, number>

/**
 * The counting rules of CONTRACT.md applied to the raw JSON, written apart from the reader on purpose: walk the
 * bare array or Results, take each Vulnerabilities entry, key it by (ID, PkgID or name@version, PkgPath), count a
 * key once, bucket by Severity (anything else is UNKNOWN).
 */
function countIndependently(raw: unknown): { unique: Counts; entries: number } {
  const results: unknown[] = Array.isArray(raw) ? raw : (((raw as { Results?: unknown[] }).Results ?? []) as unknown[])
  const unique: Counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 }
  const seen = new Set<string>()
  let entries = 0
  for (const result of results as Array<{ Vulnerabilities?: Array<Record<string, string>> | null }>) {
    for (const vuln of result.Vulnerabilities ?? []) {
      entries++
      const pkg = vuln.PkgID ?? `${vuln.PkgName}@${vuln.InstalledVersion}`
      const key = JSON.stringify([vuln.VulnerabilityID, pkg, vuln.PkgPath ?? ''])
      if (seen.has(key)) continue
      seen.add(key)
      const severity = vuln.Severity ?? ''
      unique[severity in unique ? severity : 'UNKNOWN']! += 1
    }
  }
  return { unique, entries }
}

function countBySeverity(findings: Finding[]): Counts {
  const counts: Counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 }
  for (const finding of findings) counts[finding.severity]! += 1
  return counts
}

/** Files that are not a report vouch can read, with the reason it gives. */
const UNREADABLE: Record<string, RegExp> = {
  // Trivy ≤ v0.19 printed `null` for an artifact with nothing detected; it names no artifact, so it is refused.
  'defectdojo/legacy_no_vuln.json': /`null`/,
  // `trivy k8s` output: a cluster, not one image.
  'defectdojo/kubernetes.json': /k8s/,
  // Hand-edited by DefectDojo: its first vulnerability has only a PkgName.
  'defectdojo/legacy_trivy_mix.json': /\[0\]\.Vulnerabilities\[0\] has no VulnerabilityID/,
}

const readable = trivyFixtures().filter((name) => !(name in UNREADABLE))

describe('every fixture report', () => {
  test('the tree holds the reference corpus', () => {
    expect(trivyFixtures().length).toBeGreaterThanOrEqual(60)
    expect(trivyFixtures()).toEqual(expect.arrayContaining(Object.keys(UNREADABLE)))
  })

  test.each(readable)('%s: counts match an independent count', (name) => {
    const text = readFixture(name)
    const report = readTrivyReport(text)
    const { unique, entries } = countIndependently(JSON.parse(text))
    expect(report.findings).toHaveLength(entries)
    expect(countBySeverity(mergeReports([report]).findings)).toEqual(unique)
  })

  test.each(Object.entries(UNREADABLE))('%s is a scan error', (name, reason) => {
    expect(() => readTrivyReport(readFixture(name))).toThrow(ScanError)
    expect(() => readTrivyReport(readFixture(name))).toThrow(reason)
  })

  test('the legacy mix reads once the hand-made entry is removed', () => {
    const raw = JSON.parse(readFixture('defectdojo/legacy_trivy_mix.json')) as Array<{ Vulnerabilities: unknown[] }>
    raw[0]!.Vulnerabilities.shift()
    const report = readTrivyReport(JSON.stringify(raw))
    expect(countBySeverity(report.findings)).toEqual(countIndependently(raw).unique)
    expect(report.findings.map((finding) => finding.target)).toContain('node-app/package-lock.json')
  })
})

describe('counts stated in SOURCES.md', () => {
  // Raw entry counts per severity, before findings with the same identity are merged.
  test.each([
    ['historical/v0.20.0/centos-7.json.golden', { MEDIUM: 279, LOW: 406, HIGH: 26 }],
    ['historical/v0.18.3/alpine-310.json.golden', { MEDIUM: 6, LOW: 2 }],
    ['alpine-39.json.golden', { MEDIUM: 4, CRITICAL: 2 }],
    ['defectdojo/all_statuses.json', { LOW: 8 }],
    ['gomod.json.golden', { UNKNOWN: 4, MEDIUM: 1 }],
    ['defectdojo/scheme_2_many_vulns.json', { MEDIUM: 3, HIGH: 1, CRITICAL: 1 }],
    ['trivy-action/with-trivy-yaml-cfg/report.json', { CRITICAL: 1 }],
    ['alpine-39-skip.json.golden', {}],
  ] as const)('%s', (name, stated) => {
    const counts = countBySeverity(readTrivyReport(readFixture(name)).findings)
    expect(counts).toEqual({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0, ...stated })
  })

  test('gomod: one package in three go.mod files is one finding', () => {
    const report = readTrivyReport(readFixture('gomod.json.golden'))
    const merged = mergeReports([report]).findings
    expect(report.findings.filter((finding) => finding.id === 'GMS-2022-20')).toHaveLength(3)
    expect(merged.filter((finding) => finding.id === 'GMS-2022-20')).toHaveLength(1)
  })
})
