// Merging the reports of one image's platforms: each finding once, with every platform it was seen on.
import { describe, expect, test } from 'vitest'
import { holdGate } from '../../src/report/gate.js'
import { mergeReports, uniqueFindings } from '../../src/report/merge.js'
import type { ScanReport } from '../../src/report/model.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import { finding, readFixture } from './helpers.js'

const onPlatform = (name: string, platform: string) => readTrivyReport(readFixture(name), { platform })

function report(overrides: Partial<ScanReport>): ScanReport {
  return { repoDigests: [], findings: [], modified: [], ...overrides }
}

describe('mergeReports', () => {
  test('the same image on two platforms: each finding once, with both platforms', () => {
    const amd64 = onPlatform('alpine-39.json.golden', 'linux/amd64')
    const arm64 = onPlatform('alpine-39.json.golden', 'linux/arm64')
    const { findings } = mergeReports([amd64, arm64])
    expect(findings).toHaveLength(6)
    for (const merged of findings) expect(merged.platforms).toEqual(['linux/amd64', 'linux/arm64'])
  })

  test('findings seen on one platform only keep that platform', () => {
    const amd64 = onPlatform('alpine-39.json.golden', 'linux/amd64')
    const arm64 = onPlatform('alpine-310.json.golden', 'linux/arm64')
    const { findings } = mergeReports([amd64, arm64])
    const byKey = new Map(findings.map((merged) => [`${merged.id} ${merged.pkgId}`, merged.platforms]))
    expect(byKey.get('CVE-2019-14697 musl@1.1.20-r4')).toEqual(['linux/amd64'])
    expect(byKey.get('CVE-2019-1549 libssl1.1@1.1.1c-r0')).toEqual(['linux/arm64'])
  })

  test('within one report, one package in several targets counts once (gomod)', () => {
    const { findings } = mergeReports([readTrivyReport(readFixture('gomod.json.golden'))])
    expect(findings.map((merged) => merged.id).sort()).toEqual(['CVE-2021-38561', 'CVE-2022-23628', 'GMS-2022-20'])
  })

  test('the same ID in another package path is another finding', () => {
    const jar = finding({ id: 'CVE-2022-22965', pkgName: 'spring-beans', pkgPath: 'app/a.jar' })
    const other = { ...jar, pkgPath: 'app/b.jar' }
    expect(mergeReports([report({ findings: [jar, other] })]).findings).toHaveLength(2)
  })

  test('without a PkgID, name and installed version identify the package', () => {
    const legacy = finding({ pkgId: undefined, pkgName: 'libssl1.1', installedVersion: '1.1.1c-r0' })
    const upgraded = { ...legacy, installedVersion: '1.1.1d-r0' }
    const { findings } = mergeReports([report({ findings: [legacy, { ...legacy }, upgraded] })])
    expect(findings.map((merged) => merged.installedVersion)).toEqual(['1.1.1c-r0', '1.1.1d-r0'])
  })

  test.each([
    ['the worse severity', { severity: 'LOW' as const }, { severity: 'CRITICAL' as const }, 'severity', 'CRITICAL'],
    ['the fixable record', { fixable: false, status: 'affected' }, { fixable: true }, 'fixable', true],
    ['a record not marked not_affected', { status: 'not_affected' }, { status: 'fixed' }, 'status', 'fixed'],
  ])('when platforms disagree, the merge keeps %s whatever the order', (_, first, second, field, kept) => {
    const a = finding({ ...first, platforms: ['linux/amd64'] })
    const b = finding({ ...second, platforms: ['linux/arm64'] })
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const [merged] = mergeReports(order.map((one) => report({ findings: [one] }))).findings
      expect(merged?.[field as keyof typeof merged]).toBe(kept)
      expect(merged?.platforms.sort()).toEqual(['linux/amd64', 'linux/arm64'])
    }
  })

  test('VEX-modified findings merge across platforms too', () => {
    const amd64 = onPlatform('npm-with-suppressed.json.golden', 'linux/amd64')
    const arm64 = onPlatform('npm-with-suppressed.json.golden', 'linux/arm64')
    const { modified } = mergeReports([amd64, arm64])
    expect(modified).toHaveLength(1)
    expect(modified[0]?.finding.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(modified[0]?.statement).toBe('vulnerable_code_not_in_execute_path')
  })

  test('a finding set aside on one platform but reported on another is a finding, not set aside', () => {
    const suppressed = onPlatform('npm-with-suppressed.json.golden', 'linux/amd64')
    const vexed = suppressed.modified[0]!
    const reported = report({ findings: [{ ...vexed.finding, platforms: ['linux/arm64'] }] })
    const { findings, modified } = mergeReports([suppressed, reported])
    expect(modified).toEqual([])
    expect(findings.map((merged) => merged.id)).toContain(vexed.finding.id)
  })

  test('merging does not change the reports it was given', () => {
    const amd64 = onPlatform('alpine-39.json.golden', 'linux/amd64')
    mergeReports([amd64, onPlatform('alpine-39.json.golden', 'linux/arm64')])
    expect(amd64.findings.every((one) => one.platforms.join() === 'linux/amd64')).toBe(true)
  })

  test('no reports: nothing', () => {
    expect(mergeReports([])).toEqual({ findings: [], modified: [] })
  })

  test('its lists cannot change, so the gate takes them as unique; a copy is made unique again, the same', () => {
    const amd64 = onPlatform('alpine-39.json.golden', 'linux/amd64')
    const arm64 = onPlatform('alpine-39.json.golden', 'linux/arm64')
    const merged = mergeReports([amd64, arm64, amd64])
    expect(() => merged.findings.push(finding())).toThrow(TypeError)
    expect(() => merged.modified.pop()).toThrow(TypeError)
    expect(uniqueFindings(merged.findings, merged.modified).findings).toBe(merged.findings)
    // A list of the same findings that is not the merged one (here with every finding twice) is made unique.
    const doubled = [...merged.findings, ...merged.findings]
    expect(uniqueFindings(doubled, [...merged.modified])).toEqual(merged)
    const gate = (findings: typeof doubled) =>
      holdGate({
        findings,
        modified: merged.modified,
        budgets: { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null },
        exceptions: [],
        ignoreUnfixed: false,
        today: '2026-01-01',
      })
    expect(gate(doubled)).toEqual(gate(merged.findings))
    expect(gate(merged.findings).counted).toHaveLength(merged.findings.length)
  })
})
