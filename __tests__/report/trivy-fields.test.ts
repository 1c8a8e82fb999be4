// How the reader normalizes the fields of real reports: fixability across Trivy versions, VEX, PURLs, paths, CVSS.
import { describe, expect, test } from 'vitest'
import { readTrivyReport } from '../../src/report/trivy.js'
import { readFixture } from './helpers.js'

const read = (name: string, expect?: { digest?: string; platform?: string }) =>
  readTrivyReport(readFixture(name), expect)

describe('fixable', () => {
  test.each([
    ['unknown', false],
    ['not_affected', false],
    ['affected', false],
    ['fixed', true],
    ['under_investigation', false],
    ['will_not_fix', false],
    ['fix_deferred', false],
    ['end_of_life', false],
  ])('Status %s → fixable %s (defectdojo/all_statuses.json)', (status, fixable) => {
    const found = read('defectdojo/all_statuses.json').findings.find((finding) => finding.status === status)
    expect(found?.fixable).toBe(fixable)
  })

  test('reports before Status (v0.18.3): a FixedVersion makes a finding fixable', () => {
    const findings = read('historical/v0.18.3/alpine-310.json.golden').findings
    expect(findings).toHaveLength(8)
    for (const finding of findings) {
      expect(finding.status).toBeUndefined()
      expect(finding.fixable).toBe(true)
      expect(finding.fixedVersion).toMatch(/^1\.1\.1d-r/)
    }
  })

  test('a Status other than fixed wins over a FixedVersion (centos-7: will_not_fix without one, fixed with one)', () => {
    const findings = read('centos-7.json.golden').findings
    expect(findings.map((finding) => [finding.id, finding.status, finding.fixable, finding.fixedVersion])).toEqual([
      ['CVE-2019-18276', 'will_not_fix', false, undefined],
      ['CVE-2019-1559', 'fixed', true, '1:1.0.2k-19.el7'],
      ['CVE-2018-0734', 'fixed', true, '1:1.0.2k-19.el7'],
    ])
  })
})

describe('fields of a finding', () => {
  test('a language package: PkgID, PURL, class and type, highest CVSS v3 (npm-with-suppressed)', () => {
    const [debug] = read('npm-with-suppressed.json.golden').findings
    expect(debug).toEqual({
      id: 'CVE-2017-20165',
      pkgName: 'debug',
      pkgId: 'debug@3.0.1',
      purl: 'pkg:npm/debug@3.0.1',
      installedVersion: '3.0.1',
      fixedVersion: '3.1.0, 2.6.9',
      severity: 'HIGH',
      status: 'fixed',
      fixable: true,
      title: 'A vulnerability classified as problematic has been found in debug-js d ...',
      primaryUrl: 'https://avd.aquasec.com/nvd/cve-2017-20165',
      cvssScore: 7.5,
      target: 'package-lock.json',
      resultClass: 'lang-pkgs',
      resultType: 'npm',
      platforms: [],
    })
  })

  test('a jar inside a war: PkgPath and no PkgID; CVSS picks the highest source (spring4shell)', () => {
    const [spring] = read('spring4shell-jre11.json.golden').findings
    expect(spring).toMatchObject({
      id: 'CVE-2022-22965',
      pkgName: 'org.springframework:spring-beans',
      pkgPath: 'usr/local/tomcat/webapps/helloworld.war/WEB-INF/lib/spring-beans-5.3.15.jar',
      purl: 'pkg:maven/org.springframework/spring-beans@5.3.15',
      cvssScore: 9.8,
      target: 'Java',
      resultType: 'jar',
    })
    expect(spring?.pkgId).toBeUndefined()
  })

  test('the same CVE in two packages is two findings (alpine-310)', () => {
    const ids = read('alpine-310.json.golden').findings.map((finding) => `${finding.id} ${finding.pkgName}`)
    expect(ids).toEqual(expect.arrayContaining(['CVE-2019-1549 libcrypto1.1', 'CVE-2019-1549 libssl1.1']))
  })

  test('an unrecognised or missing Severity is UNKNOWN; VendorSeverity integers are read without complaint', () => {
    const severities = read('gomod.json.golden').findings.map((finding) => finding.severity)
    expect(severities.filter((severity) => severity === 'UNKNOWN')).toHaveLength(4)
  })

  test('the platform given is recorded on every finding, VEX-modified ones included', () => {
    const report = read('npm-with-suppressed.json.golden', { platform: 'linux/arm64' })
    expect(report.findings.every((finding) => finding.platforms.join() === 'linux/arm64')).toBe(true)
    expect(report.modified[0]?.finding.platforms).toEqual(['linux/arm64'])
  })
})

describe('findings Trivy set aside (ExperimentalModifiedFindings)', () => {
  test('a VEX not_affected finding is modified, with status, statement and source, and not a finding', () => {
    const report = read('npm-with-suppressed.json.golden')
    expect(report.findings.map((finding) => finding.id)).toEqual(['CVE-2017-20165'])
    expect(report.modified).toHaveLength(1)
    const [modified] = report.modified
    expect(modified).toMatchObject({
      status: 'not_affected',
      statement: 'vulnerable_code_not_in_execute_path',
      source: './vex.json',
      finding: { id: 'CVE-2017-16137', severity: 'LOW', pkgId: 'debug@3.0.1', cvssScore: 5.3 },
    })
  })
})

describe('what is not a finding', () => {
  test.each([
    ['dockerfile.json.golden', 0],
    ['secrets.json.golden', 0],
    ['helm_testchart.json.golden', 0],
    ['defectdojo/license_scheme.json', 0],
    ['defectdojo/misconfigurations_and_secrets.json', 2],
    ['trivy-action/config-scan/report.json', 0],
  ])('%s: misconfigurations, secrets and licences are left out (%i vulnerabilities)', (name, count) => {
    expect(read(name).findings).toHaveLength(count)
  })

  test.each([
    ['alpine-39-skip.json.golden', 'no Results key'],
    ['defectdojo/scheme_2_no_vuln.json', 'a result without Vulnerabilities'],
    ['historical/v0.18.0/opensuse-leap-423.json.golden', 'Vulnerabilities: null in a bare array'],
    ['cargo.lock.json.golden', 'packages listed, none vulnerable'],
  ])('%s (%s) reads as clean', (name) => {
    expect(read(name)).toMatchObject({ findings: [], modified: [] })
  })
})

describe('the artifact', () => {
  test('SchemaVersion 2: ArtifactName, OS and RepoDigests from Metadata', () => {
    expect(read('trivy-action/with-trivy-yaml-cfg/report.json')).toMatchObject({
      artifactName: 'alpine:3.10',
      os: 'alpine 3.10.9',
      repoDigests: ['alpine@sha256:451eee8bedcb2f029756dc3e9d73bab0e7943c1ac55cff3a4861c52a0fdd3e98'],
    })
  })

  test('the transitional object keeps RepoDigests at the top', () => {
    expect(read('historical/pkg-report-testdata/new.json.golden').repoDigests).toEqual([
      'test@sha256:0bd0e9e03a022c3b0226667621da84fc9bf562a9056130424b5bfbd8bcb0397f',
    ])
  })

  test('the bare array names no artifact', () => {
    const report = read('historical/pkg-report-testdata/old.json.golden')
    expect(report.artifactName).toBeUndefined()
    expect(report.repoDigests).toEqual([])
    expect(report.findings).toHaveLength(1)
  })
})
