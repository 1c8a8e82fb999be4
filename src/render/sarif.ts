// SARIF 2.1.0 for code scanning, shaped as Trivy's own writer shapes it (pkg/report/sarif.go) so that alerts from
// vouch and from `trivy --format sarif` line up: same rule IDs, levels, security-severity, messages and locations.
// Ignored findings are carried too, as suppressed results, so that the record of what was set aside travels along.
import { parseReference } from '../image/reference.js'
import type { Finding, Severity } from '../report/model.js'
import type { GateResult, IgnoredFinding } from '../report/verdict.js'
import { advisoryUrl, reasonText } from './findings.js'
import { escapeText, link, truncate } from './markdown.js'
import type { SarifLevel, SarifLocation, SarifLog, SarifResult, SarifRule } from './sarif-types.js'

export type * from './sarif-types.js'

export interface SarifContext {
  gate: GateResult
  trivyVersion: string
  /** repo@sha256:…, the artifact scanned. */
  image: string
}

export const SARIF_SCHEMA =
  'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json'

// Trivy's severityToScore: what security-severity says when no CVSS v3 score is known.
const DEFAULT_SCORES: Record<Severity, string> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
  UNKNOWN: '0.0',
}

const LEVELS: Record<Severity, SarifLevel> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
}

export function sarifLevel(severity: Severity): SarifLevel {
  return LEVELS[severity]
}

/** The CVSS v3 score with one decimal, as Trivy prints it, or the severity's default when there is none. */
export function securitySeverity(finding: Pick<Finding, 'cvssScore' | 'severity'>): string {
  const score = finding.cvssScore
  if (score === undefined || !Number.isFinite(score) || score <= 0) return DEFAULT_SCORES[finding.severity]
  return Math.min(score, 10).toFixed(1)
}

function ruleName(resultClass: string | undefined): string {
  if (resultClass === 'os-pkgs') return 'OsPackageVulnerability'
  if (resultClass === 'lang-pkgs') return 'LanguageSpecificPackageVulnerability'
  return 'UnknownIssue'
}

/**
 * An OS result's target is `<artifact> (<distro> <version>)`; the artifact is the path. This is what Trivy's
 * pathRegex `^(.+?)(?:\s*\(.*?\).*?)?$` captures, found in one pass: that regex backtracks quadratically on a
 * target of many `(`. The artifact ends at the first `(` after the first character that some `)` follows, with the
 * whitespace before it dropped (keeping at least one character); a target without one is all artifact.
 */
export function artifactOfTarget(target: string): string {
  const open = target.indexOf('(', 1)
  if (open === -1 || target.lastIndexOf(')') < open) return target
  const before = target.slice(0, open)
  const trimmed = before.trimEnd()
  return trimmed === '' ? before.slice(0, 1) : trimmed
}

/**
 * Where code scanning files the alert, as Trivy's ToPathUri puts it: a language package's path (PkgPath, else the
 * result's target); for OS packages, the image's repository path without registry, tag or digest.
 */
export function locationUri(finding: Finding, image: string): string {
  const os = finding.resultClass === 'os-pkgs' || (finding.resultClass === undefined && /\)\s*$/.test(finding.target))
  const path = finding.pkgPath || (os ? repositoryPath(finding.target) : finding.target) || repositoryPath(image)
  return toUriReference(path.replace(/\\/g, '/'))
}

function repositoryPath(target: string): string {
  const path = artifactOfTarget(target)
  try {
    return parseReference(path).repository
  } catch {
    return path
  }
}

/** Percent-encodes what a URI reference may not hold; a first segment with `:` would read as a scheme. */
function toUriReference(path: string): string {
  let encoded: string
  try {
    encoded = encodeURI(path)
  } catch {
    encoded = encodeURI(path.replace(/[\ud800-\udfff]/g, '\ufffd'))
  }
  encoded = encoded.replace(/[#?]/g, (c) => encodeURIComponent(c))
  const firstSegment = encoded.split('/', 1)[0] ?? ''
  return firstSegment.includes(':') ? `./${encoded}` : encoded
}

/** A WHATWG href as a strict RFC 3986 URI: the few characters browsers tolerate are percent-encoded too. */
function strictUri(href: string): string {
  return href
    .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
    .replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (c) => encodeURIComponent(c))
}

function resultMessage(finding: Finding): string {
  const lines = [
    `Package: ${finding.pkgName}`,
    `Installed Version: ${finding.installedVersion}`,
    `Vulnerability ${finding.id}`,
    `Severity: ${finding.severity}`,
    `Fixed Version: ${finding.fixedVersion ?? ''}`,
    `Link: [${finding.id}](${advisoryUrl(finding) ?? ''})`,
  ]
  if (finding.platforms.length > 0) lines.push(`Platforms: ${finding.platforms.join(', ')}`)
  return lines.join('\n')
}

function rule(finding: Finding): SarifRule {
  const advisory = advisoryUrl(finding)
  const url = advisory === undefined ? undefined : strictUri(advisory)
  const title = truncate(finding.title ?? '', 1000)
  const fixed = finding.fixedVersion ?? ''
  const cells = [finding.severity, escapeText(finding.pkgName, 200), escapeText(fixed, 200), link(finding.id, url)]
  return {
    id: finding.id,
    name: ruleName(finding.resultClass),
    shortDescription: { text: title || finding.id },
    fullDescription: { text: title || finding.id },
    defaultConfiguration: { level: sarifLevel(finding.severity) },
    ...(url === undefined ? {} : { helpUri: url }),
    help: {
      text: [
        `Vulnerability ${finding.id}`,
        `Severity: ${finding.severity}`,
        `Package: ${finding.pkgName}`,
        `Fixed Version: ${fixed}`,
        `Link: [${finding.id}](${url ?? ''})`,
        title,
      ].join('\n'),
      markdown: [
        `**Vulnerability ${escapeText(finding.id, 200)}**`,
        '| Severity | Package | Fixed Version | Link |',
        '| --- | --- | --- | --- |',
        `|${cells.join('|')}|`,
        '',
        escapeText(title, 1000),
      ].join('\n'),
    },
    properties: {
      tags: ['vulnerability', 'security', finding.severity],
      precision: 'very-high',
      'security-severity': securitySeverity(finding),
    },
  }
}

function location(finding: Finding, uri: string): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
      region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    },
    message: { text: `${uri}: ${finding.pkgName}@${finding.installedVersion}` },
  }
}

/**
 * The SARIF file's text, compact: code scanning reads it, not people, and indenting a large report makes the file
 * half as large again and its writing a third slower (bench/README.md).
 */
export function sarifFileText(log: SarifLog): string {
  return `${JSON.stringify(log)}\n`
}

export function renderSarif(context: SarifContext): SarifLog {
  const { gate, trivyVersion, image } = context
  const entries: { finding: Finding; ignored?: IgnoredFinding }[] = [
    ...gate.counted.map((finding) => ({ finding })),
    ...gate.ignored.map((ignored) => ({ finding: ignored.finding, ignored })),
  ]

  // One rule per ID, described by its most severe finding: code scanning rates alerts by the rule.
  const rules = new Map<string, { index: number; finding: Finding }>()
  for (const { finding } of entries) {
    const seen = rules.get(finding.id)
    if (seen === undefined) rules.set(finding.id, { index: rules.size, finding })
    else if (Number(securitySeverity(finding)) > Number(securitySeverity(seen.finding))) seen.finding = finding
  }

  // An OS result's findings all share its target: each distinct place becomes a URI once, not once per finding.
  const uris = new Map<string, string>()
  const uriOf = (finding: Finding): string => {
    const key = `${finding.resultClass ?? '\u0001'}\u0000${finding.pkgPath ?? ''}\u0000${finding.target}`
    let uri = uris.get(key)
    if (uri === undefined) uris.set(key, (uri = locationUri(finding, image)))
    return uri
  }

  const results = entries.map(({ finding, ignored }): SarifResult => ({
    ruleId: finding.id,
    ruleIndex: rules.get(finding.id)?.index ?? 0,
    level: sarifLevel(finding.severity),
    message: { text: resultMessage(finding) },
    locations: [location(finding, uriOf(finding))],
    ...(ignored === undefined
      ? {}
      : {
          suppressions: [
            { kind: 'external', state: 'accepted', justification: truncate(reasonText(ignored.reason), 1000) },
          ],
        }),
  }))

  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            fullName: 'Trivy Vulnerability Scanner',
            version: trivyVersion,
            informationUri: 'https://github.com/aquasecurity/trivy',
            rules: [...rules.values()].map(({ finding }) => rule(finding)),
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        ...(image === '' ? {} : { properties: { imageName: image, repoDigests: [image] } }),
      },
    ],
  }
}
