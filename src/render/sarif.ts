// SARIF 2.1.0 for code scanning, shaped as Trivy's own writer shapes it (pkg/report/sarif.go) so that alerts from
// vouch and from `trivy --format sarif` line up: same rule IDs, levels, security-severity, messages and locations.
// Ignored findings are carried too, as suppressed results, so that the record of what was set aside travels along.
//
// The file is written as JSON text, piece by piece, in the shape of the SarifLog type (sarif-types.ts): a large
// image's log is tens of megabytes, and an object tree of it, serialised afterwards, cost as much again in time and
// memory as the text itself (bench/README.md). Every string goes through JSON.stringify; the keys and the fixed
// values are written out. The text is compact: code scanning reads it, not people.
import type { Finding, Severity } from '../report/model.js'
import type { GateResult, IgnoreReason } from '../report/verdict.js'
import { advisoryUrls, reasonText } from './findings.js'
import { escapeText, markdownLink, safeHttpUrl, truncate } from './markdown.js'
import { locationUri, strictUri } from './sarif-location.js'
import type { SarifLevel } from './sarif-types.js'

export type * from './sarif-types.js'
export { artifactOfTarget, locationUri } from './sarif-location.js'

export interface SarifContext {
  gate: GateResult
  trivyVersion: string
  /** repo@sha256:…, the artifact scanned. */
  image: string
  /** The most results the run holds; SARIF_RESULT_LIMIT unless a test asks for fewer. */
  resultLimit?: number
}

/**
 * GitHub code scanning rejects a run of more than 25,000 results ("Results per run: 25,000", "Analysis SARIF file
 * rejected due to result limits": https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit),
 * so a large image's log would not upload at all. The run keeps this many, in the gate's order: counted findings
 * before ignored ones, each worst first; its properties say how many were left out.
 */
export const SARIF_RESULT_LIMIT = 25_000

/** How many of the gate's findings the SARIF run leaves out: 0 when all fit. */
export function sarifOmitted(gate: GateResult, limit = SARIF_RESULT_LIMIT): number {
  return Math.max(0, gate.counted.length + gate.ignored.length - limit)
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

export function ruleName(resultClass: string | undefined): string {
  if (resultClass === 'os-pkgs') return 'OsPackageVulnerability'
  if (resultClass === 'lang-pkgs') return 'LanguageSpecificPackageVulnerability'
  return 'UnknownIssue'
}

/** Text pieces are gathered into chunks of about this many characters: the writer's unit, small beside the file. */
const CHUNK = 1 << 17

const json = JSON.stringify

/** The SARIF file: the log on one line and a newline, in chunks, so that the whole text is never held at once. */
export function sarifChunks(context: SarifContext, chunkChars = CHUNK): Generator<string, void, undefined> {
  return chunked(sarifPieces(context), chunkChars)
}

/** Pieces joined once a chunk is full: one flat string each, not a rope of thousands of small ones. */
function* chunked(pieces: Iterable<string>, chunkChars: number): Generator<string, void, undefined> {
  let parts: string[] = []
  let length = 0
  for (const piece of pieces) {
    parts.push(piece)
    if ((length += piece.length) < chunkChars) continue
    yield parts.join('')
    parts = []
    length = 0
  }
  yield parts.join('')
}

function* sarifPieces(context: SarifContext): Generator<string, void, undefined> {
  const { trivyVersion, image } = context
  const limit = context.resultLimit ?? SARIF_RESULT_LIMIT
  const counted = context.gate.counted.slice(0, limit)
  const gate = { counted, ignored: context.gate.ignored.slice(0, limit - counted.length) }
  const omitted = sarifOmitted(context.gate, limit)
  // One rule per ID of the results kept, described by its most severe finding: code scanning rates alerts by the rule.
  const rules = new Map<string, { index: number; finding: Finding; score?: number }>()
  const rate = (finding: Finding): void => {
    const seen = rules.get(finding.id)
    if (seen === undefined) return void rules.set(finding.id, { index: rules.size, finding })
    const score = Number(securitySeverity(finding))
    if (score > (seen.score ??= Number(securitySeverity(seen.finding)))) Object.assign(seen, { finding, score })
  }
  for (const finding of gate.counted) rate(finding)
  for (const { finding } of gate.ignored) rate(finding)

  const text = reportText(image)
  yield (
    `{"version":"2.1.0","$schema":${json(SARIF_SCHEMA)},"runs":[{"tool":{"driver":{"name":"Trivy",` +
    `"fullName":"Trivy Vulnerability Scanner","version":${json(trivyVersion)},` +
    `"informationUri":"https://github.com/aquasecurity/trivy","rules":[`
  )
  let comma = ''
  for (const { finding } of rules.values()) {
    yield comma + ruleJson(finding, text)
    comma = ','
  }
  yield ']}},"results":['
  comma = ''
  for (const finding of gate.counted) {
    yield comma + resultJson(finding, rules.get(finding.id)?.index ?? 0, undefined, text)
    comma = ','
  }
  for (const { finding, reason } of gate.ignored) {
    yield comma + resultJson(finding, rules.get(finding.id)?.index ?? 0, reason, text)
    comma = ','
  }
  const properties = [
    ...(image === '' ? [] : [`"imageName":${json(image)},"repoDigests":[${json(image)}]`]),
    ...(omitted === 0 ? [] : [`"omittedResults":${omitted}`]),
  ]
  yield `],"columnKind":"utf16CodeUnits"${properties.length === 0 ? '' : `,"properties":{${properties.join(',')}}`}}]}\n`
}

/** The whole SARIF file as one string (small logs, tests). */
export function sarifText(context: SarifContext): string {
  return [...sarifChunks(context)].join('')
}

/**
 * What one report's findings share, worked out once: a large report has tens of thousands of findings but only
 * hundreds of titles, advisory URLs, packages and places.
 */
function reportText(image: string) {
  const once = <T>(make: (value: string) => T): ((value: string) => T) => {
    const made = new Map<string, T>()
    return (value) => {
      let result = made.get(value)
      if (result === undefined && !made.has(value)) made.set(value, (result = make(value)))
      return result as T
    }
  }
  const uris = new Map<string, string>()
  return {
    advisory: advisoryUrls(),
    strictUri: once(strictUri),
    href: once(safeHttpUrl),
    title: once(titleJson),
    cell: once((value) => escapeText(value, 200)),
    justification: once((reason) => json(truncate(reason, 1000))),
    /** An OS result's findings all share its target: each distinct place becomes a URI once. */
    uri(finding: Finding): string {
      const key = `${finding.resultClass ?? '\u0001'}\u0000${finding.pkgPath ?? ''}\u0000${finding.target}`
      let uri = uris.get(key)
      if (uri === undefined) uris.set(key, (uri = locationUri(finding, image)))
      return uri
    },
  }
}

type ReportText = ReturnType<typeof reportText>

/**
 * A title as the rules hold it, cut to 1,000 characters: as a JSON string, and escaped for JSON without the quotes
 * (as it ends the help text, and as Markdown the help's Markdown), so that a long title is escaped once per report,
 * not four times per rule. Escapes written one after another are the escape of the joined text when the piece
 * before ends in ASCII (a line break here): JSON.stringify escapes a character alone, or a surrogate with its pair.
 */
function titleJson(title: string): { text: string; json: string; inner: string; markdownInner: string } {
  const text = truncate(title, 1000)
  const quoted = json(text)
  return { text, json: quoted, inner: quoted.slice(1, -1), markdownInner: json(escapeText(text, 1000)).slice(1, -1) }
}

/** JSON of `before` then of an escape without quotes: `before` must end in ASCII (see titleJson). */
function jsonEndingIn(before: string, escaped: string): string {
  return `${json(before).slice(0, -1)}${escaped}"`
}

function ruleJson(finding: Finding, text: ReportText): string {
  const advisory = text.advisory(finding)
  const url = advisory === undefined ? undefined : text.strictUri(advisory)
  const title = text.title(finding.title ?? '')
  const fixed = finding.fixedVersion ?? ''
  const id = escapeText(finding.id, 200)
  // The link's label allows 100 characters: the same text as above unless the ID is longer than that.
  const label = finding.id.length <= 100 ? id : escapeText(finding.id, 100)
  const href = url === undefined ? undefined : text.href(url)
  const description = title.text === '' ? json(finding.id) : title.json
  const help =
    `Vulnerability ${finding.id}\nSeverity: ${finding.severity}\nPackage: ${finding.pkgName}\n` +
    `Fixed Version: ${fixed}\nLink: [${finding.id}](${url ?? ''})\n`
  const markdown =
    `**Vulnerability ${id}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n` +
    `|${finding.severity}|${text.cell(finding.pkgName)}|${text.cell(fixed)}|${markdownLink(label, href)}|\n\n`
  return (
    `{"id":${json(finding.id)},"name":"${ruleName(finding.resultClass)}",` +
    `"shortDescription":{"text":${description}},"fullDescription":{"text":${description}},` +
    `"defaultConfiguration":{"level":"${LEVELS[finding.severity]}"}` +
    `${url === undefined ? '' : `,"helpUri":${json(url)}`},` +
    `"help":{"text":${jsonEndingIn(help, title.inner)},"markdown":${jsonEndingIn(markdown, title.markdownInner)}},` +
    `"properties":{"tags":["vulnerability","security","${finding.severity}"],"precision":"very-high",` +
    `"security-severity":"${securitySeverity(finding)}"}}`
  )
}

function resultJson(finding: Finding, ruleIndex: number, reason: IgnoreReason | undefined, text: ReportText): string {
  const platforms = finding.platforms.length > 0 ? `\nPlatforms: ${finding.platforms.join(', ')}` : ''
  const message =
    `Package: ${finding.pkgName}\nInstalled Version: ${finding.installedVersion}\nVulnerability ${finding.id}\n` +
    `Severity: ${finding.severity}\nFixed Version: ${finding.fixedVersion ?? ''}\n` +
    `Link: [${finding.id}](${text.advisory(finding) ?? ''})${platforms}`
  const uri = text.uri(finding)
  const suppressions =
    reason === undefined
      ? ''
      : `,"suppressions":[{"kind":"external","state":"accepted","justification":${text.justification(reasonText(reason))}}]`
  return (
    `{"ruleId":${json(finding.id)},"ruleIndex":${ruleIndex},"level":"${LEVELS[finding.severity]}",` +
    `"message":{"text":${json(message)}},"locations":[{"physicalLocation":{"artifactLocation":` +
    `{"uri":${json(uri)},"uriBaseId":"ROOTPATH"},"region":{"startLine":1,"startColumn":1,"endLine":1,"endColumn":1}},` +
    `"message":{"text":${json(`${uri}: ${finding.pkgName}@${finding.installedVersion}`)}}}]${suppressions}}`
  )
}
