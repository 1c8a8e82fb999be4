// Test builders for the renderers: findings, exceptions and gate results built directly (the gate is not under test
// here), and realistic findings read from real Trivy reports in __tests__/fixtures/trivy/json.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  SEVERITIES,
  severityRank,
  type Budgets,
  type Finding,
  type ScanReport,
  type Severity,
} from '../../src/report/model.js'
import type { Breach, Exception, GateResult, IgnoredFinding, Verdict } from '../../src/report/verdict.js'
import { readTrivyReport } from '../../src/report/trivy.js'

export const NOW = new Date('2026-08-21T12:00:00Z')
export const IMAGE = 'ghcr.io/acme/shop@sha256:3c19aa980a9c5709a2c96c2d0779febf6e5e453b92b172ce84cb85fdaf695373'

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url))
}

export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8')
}

export function readJsonFixture<T = unknown>(relative: string): T {
  return JSON.parse(readFixture(relative)) as T
}

/** A real report under fixtures/trivy/json, as the reader normalizes it. */
export function fixtureReport(name: string, platform?: string): ScanReport {
  return readTrivyReport(readFixture(`trivy/json/${name}`), platform === undefined ? {} : { platform })
}

export function fixtureFindings(name: string, platform?: string): Finding[] {
  return fixtureReport(name, platform).findings
}

/** `count` realistic findings: the 711 of a real CentOS 7 report (Trivy v0.20.0), repeated with distinct versions. */
export function manyFindings(count: number): Finding[] {
  const real = fixtureFindings('historical/v0.20.0/centos-7.json.golden')
  return Array.from({ length: count }, (_, index) => {
    const base = real[index % real.length] as Finding
    const round = Math.floor(index / real.length)
    return round === 0 ? base : { ...base, installedVersion: `${base.installedVersion}.${round}` }
  })
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'CVE-2019-1549',
    pkgName: 'libssl1.1',
    pkgId: 'libssl1.1@1.1.1c-r0',
    installedVersion: '1.1.1c-r0',
    fixedVersion: '1.1.1d-r0',
    severity: 'MEDIUM',
    status: 'fixed',
    fixable: true,
    title: 'openssl: information disclosure in fork()',
    primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-1549',
    cvssScore: 5.3,
    target: `${IMAGE} (alpine 3.10.2)`,
    resultClass: 'os-pkgs',
    resultType: 'alpine',
    platforms: [],
    ...overrides,
  }
}

export function exception(overrides: Partial<Exception> = {}): Exception {
  return {
    id: 'CVE-2019-1549',
    statement: 'fork() is never called after the RNG is seeded',
    expiresOn: '2026-12-31',
    source: '.trivyignore.yaml:3',
    ...overrides,
  }
}

/** The contract's default budgets: no CRITICAL, no HIGH, the rest unlimited. */
export function budgets(overrides: Partial<Budgets> = {}): Budgets {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null, ...overrides }
}

export interface GateParts {
  budgets?: Budgets
  ignored?: IgnoredFinding[]
  expiredExceptions?: Exception[]
}

/** A GateResult as the gate would compute it from already-counted findings. */
export function gateOf(counted: Finding[], parts: GateParts = {}): GateResult {
  const limits = parts.budgets ?? budgets()
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>
  for (const item of counted) counts[item.severity] += 1
  const breaches: Breach[] = []
  for (const severity of SEVERITIES) {
    const budget = limits[severity]
    if (budget !== null && counts[severity] > budget) {
      breaches.push({
        severity,
        budget,
        counted: counts[severity],
        findings: counted.filter((item) => item.severity === severity),
      })
    }
  }
  return {
    budgets: limits,
    counted: [...counted].sort((a, b) => severityRank(a.severity) - severityRank(b.severity)),
    counts,
    fixable: counted.filter((item) => item.fixable).length,
    ignored: parts.ignored ?? [],
    expiredExceptions: parts.expiredExceptions ?? [],
    breaches,
  }
}

/** passed or failed, as the breaches say. */
export function verdictOf(gate: GateResult): Verdict {
  return gate.breaches.length === 0 ? { status: 'passed', gate } : { status: 'failed', gate }
}
