// The normalized scan: what every Trivy report shape is read into, and what the gate and renderers consume.

/** Severities from worst to least; the index is the order. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const
export type Severity = (typeof SEVERITIES)[number]

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity)
}

export function toSeverity(value: unknown): Severity {
  const upper = typeof value === 'string' ? value.toUpperCase() : ''
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN'
}

/** The largest counted number per severity that still passes; null means no limit. */
export type Budgets = Record<Severity, number | null>

/** One entry of a result's Vulnerabilities, normalized. */
export interface Finding {
  /** Vulnerability ID, e.g. CVE-2019-1549. */
  id: string
  pkgName: string
  /** Trivy's PkgID when present. */
  pkgId?: string
  /** PkgPath (language packages inside files). */
  pkgPath?: string
  /** PkgIdentifier.PURL when present. */
  purl?: string
  installedVersion: string
  fixedVersion?: string
  severity: Severity
  /** Trivy's Status (fixed, affected, will_not_fix, not_affected, end_of_life, ...), absent in old reports. */
  status?: string
  /** Status is fixed, or (reports older than Status) a FixedVersion is present. */
  fixable: boolean
  title?: string
  primaryUrl?: string
  /** Highest CVSS v3 score Trivy gave, for SARIF's security-severity. */
  cvssScore?: number
  /** The result this finding came from: Target, Class and Type. */
  target: string
  resultClass?: string
  resultType?: string
  /** Platforms (linux/amd64, ...) the finding was seen on; empty for a single-platform image. */
  platforms: string[]
}

/** A finding's identity under the counting rules: ID, package ID (or name+version), path. */
export function findingKey(finding: Finding): string {
  const pkg = finding.pkgId ?? `${finding.pkgName}@${finding.installedVersion}`
  return `${finding.id}\u0000${pkg}\u0000${finding.pkgPath ?? ''}`
}

/** A finding Trivy itself set aside (VEX), read from ExperimentalModifiedFindings. */
export interface ModifiedFinding {
  finding: Finding
  /** Trivy's Status for it, e.g. not_affected. */
  status: string
  statement?: string
  /** Where the decision came from, e.g. the VEX document. */
  source?: string
}

/** One Trivy report read and normalized. */
export interface ScanReport {
  /** ArtifactName as Trivy wrote it. */
  artifactName?: string
  /** RepoDigests from Metadata, to check the report is for the digest scanned. */
  repoDigests: string[]
  os?: string
  findings: Finding[]
  /** Findings Trivy suppressed through VEX; listed as ignored, never counted. */
  modified: ModifiedFinding[]
}
