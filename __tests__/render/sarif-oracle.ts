// The SARIF log as an object tree, built as src/render/sarif.ts built it before it wrote the text directly: the
// oracle that the written text is compared with, byte for byte (`JSON.stringify(renderSarif(…))` plus a newline).
import type { Finding } from '../../src/report/model.js'
import type { GateResult, IgnoredFinding } from '../../src/report/verdict.js'
import { advisoryUrl, reasonText } from '../../src/render/findings.js'
import { escapeText, link, truncate } from '../../src/render/markdown.js'
import { locationUri, SARIF_SCHEMA, sarifLevel, securitySeverity, ruleName } from '../../src/render/sarif.js'
import { strictUri } from '../../src/render/sarif-location.js'
import type { SarifLocation, SarifLog, SarifResult, SarifRule } from '../../src/render/sarif.js'

export interface SarifContext {
  gate: GateResult
  trivyVersion: string
  image: string
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

/** The file as the action wrote it: the log, compact, and a newline. */
export function oracleText(context: SarifContext): string {
  return `${JSON.stringify(renderSarif(context))}\n`
}
