// What every renderer says the same way about findings: their order, which breach a budget, where their advisory
// is, and why an ignored one was set aside.
import type { Finding } from '../report/model.js'
import { worstFirst } from '../report/gate.js'
import type { GateResult, IgnoreReason } from '../report/verdict.js'
import { httpUrl } from './markdown.js'

const CVE = /^CVE-\d{4}-\d{4,}$/i
const GHSA = /^GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}$/i

/** Trivy's PrimaryURL when it is http(s); else AVD's page for a CVE, GitHub's for a GHSA; else none. */
export function advisoryUrl(finding: Pick<Finding, 'id' | 'primaryUrl'>): string | undefined {
  return httpUrl(finding.primaryUrl) ?? advisoryOfId(finding.id)
}

/**
 * advisoryUrl for the findings of one report, each distinct PrimaryURL parsed once: a large report repeats a few
 * hundred URLs over tens of thousands of findings, and parsing a URL is the costly part.
 */
export function advisoryUrls(): (finding: Pick<Finding, 'id' | 'primaryUrl'>) => string | undefined {
  const parsed = new Map<string, string | undefined>()
  return ({ id, primaryUrl }) => {
    if (primaryUrl === undefined) return advisoryOfId(id)
    let primary = parsed.get(primaryUrl)
    if (primary === undefined && !parsed.has(primaryUrl)) parsed.set(primaryUrl, (primary = httpUrl(primaryUrl)))
    return primary ?? advisoryOfId(id)
  }
}

function advisoryOfId(id: string): string | undefined {
  if (CVE.test(id)) return `https://avd.aquasec.com/nvd/${id.toLowerCase()}`
  if (GHSA.test(id)) return `https://github.com/advisories/${id.replace(/^ghsa/i, 'GHSA')}`
  return undefined
}

/** The gate's display order: worst severity first, then fixable first, then a stable tie-break. */
export const compareFindings = worstFirst

/** Findings a list shows at most: the worst few dozen are what a reviewer reads; the reports hold every finding. */
export const LISTED_FINDINGS = 50

/**
 * Counted findings split into those of a breached severity and the others, each in display order: the worst
 * LISTED_FINDINGS grouped by package, then the rest worst first. The summary's tables and the workflow annotations
 * both read this order, so the annotations name the first rows of the table.
 */
export function splitByBreach(gate: GateResult): { breaching: Finding[]; others: Finding[] } {
  const breached = new Set(gate.breaches.map((breach) => breach.severity))
  const breaching: Finding[] = []
  const others: Finding[] = []
  for (const finding of gate.counted) (breached.has(finding.severity) ? breaching : others).push(finding)
  return {
    breaching: worstByPackage(breaching.sort(compareFindings), LISTED_FINDINGS),
    others: worstByPackage(others.sort(compareFindings), LISTED_FINDINGS),
  }
}

/** Why a finding was not counted, in plain words (unescaped). */
export function reasonText(reason: IgnoreReason): string {
  switch (reason.kind) {
    case 'exception': {
      const { statement, expiresOn, source } = reason.exception
      const said = statement === undefined || statement.trim() === '' ? 'no statement' : statement
      const until = expiresOn === undefined ? 'no expiry date' : `until ${expiresOn}`
      return `exception (${source}, ${until}): ${said}`
    }
    case 'unfixed':
      return 'no fixed version yet (ignore-unfixed)'
    case 'not_affected':
      return 'Trivy reports it not_affected'
    case 'vex': {
      const from = reason.source === undefined || reason.source === '' ? '' : ` (${reason.source})`
      const said = reason.statement === undefined || reason.statement === '' ? 'not affected' : reason.statement
      return `VEX${from}: ${said}`
    }
  }
}

/** `1.1.1d-r0`, or `no fix` with Trivy's status when it says why (unescaped). */
export function fixedText(finding: Finding): string {
  if (finding.fixedVersion !== undefined && finding.fixedVersion !== '') return finding.fixedVersion
  const status = finding.status !== undefined && finding.status !== 'affected' ? ` (${finding.status})` : ''
  return `no fix${status}`
}

/** `1.1.1c-r0 → 1.1.1d-r0`, or `→ no fix` with Trivy's status when it says why. */
export function versionChange(finding: Finding): string {
  return `${finding.installedVersion} → ${fixedText(finding)}`
}

/**
 * Findings (already worst first) with the worst `limit` grouped by package: each package's rows sit together,
 * packages in the order of their worst finding; the rest follow as they were. A reviewer fixes packages, not
 * CVEs, and a few dozen rows are what they read; the reports hold the rest. Applying it twice changes nothing.
 */
function worstByPackage(findings: readonly Finding[], limit: number): Finding[] {
  const groups = new Map<string, Finding[]>()
  for (const finding of findings.slice(0, limit)) {
    const key = `${finding.pkgName}\u0000${finding.installedVersion}\u0000${finding.pkgPath ?? ''}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [finding])
    else group.push(finding)
  }
  return [...[...groups.values()].flat(), ...findings.slice(limit)]
}
