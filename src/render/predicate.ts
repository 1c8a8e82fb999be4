// The predicate of the `https://cosign.sigstore.dev/attestation/vuln/v1` attestation, as `cosign attest --type vuln`
// reads it (cosign's CosignVulnPredicate) and as `trivy --format cosign-vuln` writes it. `scanner.result` keeps
// Trivy's report structure with only what a policy decides on, so that a large scan stays a small attestation:
// counted findings under Vulnerabilities, set-aside ones under ExperimentalModifiedFindings, as Trivy records them.
import type { Finding } from '../report/model.js'
import type { GateResult, IgnoredFinding } from '../report/verdict.js'
import { reasonText } from './findings.js'

export const VULN_PREDICATE_TYPE = 'https://cosign.sigstore.dev/attestation/vuln/v1'

export interface PredicateContext {
  /** The gate's findings: counted and ignored, unique across platforms. */
  gate: GateResult
  trivyVersion: string
  /** The DB repository the scan used, e.g. `mirror.gcr.io/aquasec/trivy-db:2`. */
  dbRepository: string
  /** When that DB was built (RFC 3339). */
  dbUpdatedAt?: string
  scanStartedOn: Date
  scanFinishedOn: Date
  /** repo@sha256:…, the artifact scanned and attested. */
  image: string
  /** Where the scan ran, e.g. the workflow run URL; empty strings when not given. */
  invocation?: { uri?: string; eventId?: string; builderId?: string }
}

export interface PredicateVulnerability {
  VulnerabilityID: string
  PkgID?: string
  PkgName: string
  PkgPath?: string
  InstalledVersion: string
  FixedVersion?: string
  Severity: string
  Status?: string
}

export interface PredicateModifiedFinding {
  Type: 'vulnerability'
  /** Trivy's finding status: `ignored` (ignore file, ignore-unfixed) or `not_affected` (VEX, Trivy's status). */
  Status: 'ignored' | 'not_affected'
  Statement: string
  Source: string
  Finding: PredicateVulnerability
}

export interface PredicateResult {
  Target: string
  Class?: string
  Type?: string
  Vulnerabilities?: PredicateVulnerability[]
  ExperimentalModifiedFindings?: PredicateModifiedFinding[]
}

export interface VulnPredicate {
  invocation: { parameters: null; uri: string; event_id: string; 'builder.id': string }
  scanner: {
    uri: string
    version: string
    db: { uri: string; version: string }
    result: {
      SchemaVersion: 2
      CreatedAt: string
      ArtifactName: string
      ArtifactType: 'container_image'
      Metadata: { RepoDigests: string[] }
      Results: PredicateResult[]
    }
  }
  metadata: { scanStartedOn: string; scanFinishedOn: string }
}

/** A finding in Trivy's field names, only those a policy needs. PkgID is left out when it only repeats name@version. */
export function predicateVulnerability(finding: Finding): PredicateVulnerability {
  const vulnerability: PredicateVulnerability = {
    VulnerabilityID: finding.id,
    PkgName: finding.pkgName,
    InstalledVersion: finding.installedVersion,
    Severity: finding.severity,
  }
  if (finding.pkgId !== undefined && finding.pkgId !== `${finding.pkgName}@${finding.installedVersion}`) {
    vulnerability.PkgID = finding.pkgId
  }
  if (finding.pkgPath !== undefined) vulnerability.PkgPath = finding.pkgPath
  if (finding.fixedVersion !== undefined) vulnerability.FixedVersion = finding.fixedVersion
  if (finding.status !== undefined) vulnerability.Status = finding.status
  return vulnerability
}

function modifiedFinding({ finding, reason }: IgnoredFinding): PredicateModifiedFinding {
  const notAffected = reason.kind === 'vex' || reason.kind === 'not_affected'
  const source =
    reason.kind === 'exception'
      ? reason.exception.source
      : reason.kind === 'vex'
        ? (reason.source ?? 'vex')
        : reason.kind === 'unfixed'
          ? 'ignore-unfixed'
          : 'trivy'
  return {
    Type: 'vulnerability',
    Status: notAffected ? 'not_affected' : 'ignored',
    Statement: reasonText(reason),
    Source: source,
    Finding: predicateVulnerability(finding),
  }
}

/** Findings grouped back into Trivy's results, in the order their targets first appear. */
function results(gate: GateResult): PredicateResult[] {
  const byTarget = new Map<string, PredicateResult>()
  const resultOf = (finding: Finding): PredicateResult => {
    const key = [finding.target, finding.resultClass ?? '', finding.resultType ?? ''].join('\u0000')
    let result = byTarget.get(key)
    if (result === undefined) {
      result = { Target: finding.target }
      if (finding.resultClass !== undefined) result.Class = finding.resultClass
      if (finding.resultType !== undefined) result.Type = finding.resultType
      byTarget.set(key, result)
    }
    return result
  }
  for (const finding of gate.counted) (resultOf(finding).Vulnerabilities ??= []).push(predicateVulnerability(finding))
  for (const ignored of gate.ignored) {
    ;(resultOf(ignored.finding).ExperimentalModifiedFindings ??= []).push(modifiedFinding(ignored))
  }
  return [...byTarget.values()]
}

export function renderPredicate(context: PredicateContext): VulnPredicate {
  const { gate, dbRepository, dbUpdatedAt, scanStartedOn, scanFinishedOn, image, invocation } = context
  // Trivy's own predicate names its version without the tag's `v`, in the purl and the version field alike.
  const version = context.trivyVersion.replace(/^v/, '')
  return {
    invocation: {
      parameters: null,
      uri: invocation?.uri ?? '',
      event_id: invocation?.eventId ?? '',
      'builder.id': invocation?.builderId ?? '',
    },
    scanner: {
      uri: `pkg:github/aquasecurity/trivy@${version}`,
      version,
      db: { uri: dbRepository, version: dbUpdatedAt ?? '' },
      result: {
        SchemaVersion: 2,
        CreatedAt: scanFinishedOn.toISOString(),
        ArtifactName: image,
        ArtifactType: 'container_image',
        Metadata: { RepoDigests: [image] },
        Results: results(gate),
      },
    },
    metadata: { scanStartedOn: scanStartedOn.toISOString(), scanFinishedOn: scanFinishedOn.toISOString() },
  }
}
