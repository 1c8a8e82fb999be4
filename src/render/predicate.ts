// The predicate of the `https://cosign.sigstore.dev/attestation/vuln/v1` attestation, as `cosign attest --type vuln`
// reads it (cosign's CosignVulnPredicate) and as `trivy --format cosign-vuln` writes it. `scanner.result` keeps
// Trivy's report structure with only what a policy decides on, so that a large scan stays a small attestation:
// counted findings under Vulnerabilities, set-aside ones under ExperimentalModifiedFindings, as Trivy records them.
import { DEFAULT_ANNOTATION_KEY } from '../cluster/annotations.js'
import { decide } from '../report/gate.js'
import { SEVERITIES, type Finding, type Severity } from '../report/model.js'
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
  /** The gate annotation's key, named in the gate facts (CONTRACT.md default when not given). */
  annotationKey?: string
  /** The runner's variables that say where the scan ran; the caller hands them over (nothing here reads process.env). */
  environment?: RunEnvironment
}

/** The GitHub Actions default variables the invocation is built from; any may be missing outside a runner. */
export type RunEnvironment = Partial<
  Record<
    'GITHUB_SERVER_URL' | 'GITHUB_REPOSITORY' | 'GITHUB_RUN_ID' | 'GITHUB_RUN_ATTEMPT' | 'GITHUB_WORKFLOW_REF',
    string
  >
>

type SeverityCounts<T> = Record<Lowercase<Severity>, T>

/** CONTRACT.md "Signed gate facts in the attestation": what a policy checks from the signed predicate. */
export interface GateFacts {
  scanStatus: 'passed' | 'failed'
  annotationKey: string
  /** `null`: no limit (a policy's numeric comparison then fails closed). */
  budgets: SeverityCounts<number | null>
  counted: SeverityCounts<number>
  ignored: number
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
  invocation: { parameters: { vouch: GateFacts }; uri: string; event_id: string; 'builder.id': string }
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
  const { gate, dbRepository, dbUpdatedAt, scanStartedOn, scanFinishedOn, image } = context
  // Trivy's own predicate names its version without the tag's `v`, in the purl and the version field alike.
  const version = context.trivyVersion.replace(/^v/, '')
  return {
    invocation: {
      ...invocation(context.environment ?? {}),
      parameters: { vouch: gateFacts(gate, context.annotationKey ?? DEFAULT_ANNOTATION_KEY) },
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

/** The verdict and the numbers it came from, with the severities lower-cased as the budget inputs name them. */
function gateFacts(gate: GateResult, annotationKey: string): GateFacts {
  const status = decide(gate).status
  const bySeverity = <T>(pick: (severity: Severity) => T): SeverityCounts<T> =>
    Object.fromEntries(SEVERITIES.map((severity) => [severity.toLowerCase(), pick(severity)])) as SeverityCounts<T>
  return {
    scanStatus: status === 'passed' ? 'passed' : 'failed',
    annotationKey,
    budgets: bySeverity((severity) => gate.budgets[severity]),
    counted: bySeverity((severity) => gate.counts[severity]),
    ignored: gate.ignored.length,
  }
}

/**
 * Where the scan ran, as CONTRACT.md shows it: the run attempt's URL, the run ID, and the workflow file at its ref
 * (GITHUB_WORKFLOW_REF, `OWNER/REPO/.github/workflows/FILE@REF`). Empty strings for what the runner did not say,
 * as Trivy writes an invocation it knows nothing about.
 */
function invocation(env: RunEnvironment): { uri: string; event_id: string; 'builder.id': string } {
  const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '')
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = env
  const run = server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : ''
  return {
    uri: run && attempt ? `${run}/attempts/${attempt}` : run,
    event_id: runId ?? '',
    'builder.id': env.GITHUB_WORKFLOW_REF ?? '',
  }
}
