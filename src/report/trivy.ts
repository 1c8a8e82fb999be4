// Reads a Trivy JSON report, in every shape Trivy has written (bare array before v0.20, SchemaVersion 2 since),
// into a ScanReport. A shape Trivy never wrote is a ScanError: a report we cannot read must never pass as clean.
import { ScanError } from '../errors.js'
import { findJsonError } from './json-error.js'
import type { ModifiedFinding, ScanReport } from './model.js'
import {
  asObject,
  describe,
  listAt,
  pathOf,
  optionalString,
  readVulnerability,
  type JsonObject,
  type Place,
} from './trivy-vulnerability.js'

export interface ReportExpectation {
  /** The digest that was scanned (`sha256:…`); a report naming only other digests is refused. */
  digest?: string
  /** The platform this report is for, recorded on each finding. */
  platform?: string
}

export function readTrivyReport(text: string, expect: ReportExpectation = {}): ScanReport {
  const { legacyResults, top } = readShape(parseJson(text))
  const report: ScanReport = { repoDigests: readRepoDigests(top), findings: [], modified: [] }
  const artifactName = top ? optionalString(top, 'ArtifactName', '') : undefined
  if (artifactName !== undefined) report.artifactName = artifactName
  const os = top ? readOs(top) : undefined
  if (os !== undefined) report.os = os
  // Before the findings: a report for another artifact is that, whatever else is wrong with it.
  if (expect.digest) checkDigest(report, expect.digest)

  const platforms = expect.platform ? [expect.platform] : []
  const results = top ? listAt(top, 'Results', '') : (legacyResults ?? [])
  results.forEach((value, index) => {
    const where = top ? `Results[${index}]` : `[${index}]`
    const result = asObject(value, where)
    const place: Place = {
      target: optionalString(result, 'Target', where) ?? '',
      resultClass: optionalString(result, 'Class', where),
      resultType: optionalString(result, 'Type', where),
      platforms,
    }
    listAt(result, 'Vulnerabilities', where).forEach((entry, n) => {
      report.findings.push(readVulnerability(entry, `${pathOf(where, 'Vulnerabilities')}[${n}]`, place))
    })
    listAt(result, 'ExperimentalModifiedFindings', where).forEach((entry, n) => {
      const modified = readModified(entry, `${pathOf(where, 'ExperimentalModifiedFindings')}[${n}]`, place)
      if (modified) report.modified.push(modified)
    })
  })
  return report
}

function parseJson(text: string): unknown {
  const body = typeof text === 'string' ? text.replace(/^\uFEFF/, '') : ''
  if (body.trim() === '') {
    throw new ScanError('the Trivy report is empty: Trivy wrote no JSON (did the scan stop before writing it?)')
  }
  try {
    return JSON.parse(body)
  } catch (error) {
    const place = findJsonError(body)
    const where = place ? `line ${place.line}, column ${place.column}: unexpected ${place.found}` : String(error)
    throw new ScanError(`the Trivy report is not valid JSON (${where}); it may have been cut short or overwritten`)
  }
}

/** Either the top-level object (SchemaVersion 2 or transitional), or the results of a pre-v0.20 bare array. */
interface Shape {
  top?: JsonObject
  legacyResults?: unknown[]
}

function readShape(document: unknown): Shape {
  if (document === null) {
    // Trivy before v0.20 printed a bare `null` for an artifact with nothing detected. No release vouch pins (v0.68+)
    // writes it, and a `null` cannot be told apart from a lost report, so it is never read as "no findings".
    throw new ScanError('the Trivy report is `null`, not a report: nothing says which artifact was scanned')
  }
  if (Array.isArray(document)) return { legacyResults: document }
  if (typeof document !== 'object') {
    throw new ScanError(`the Trivy report is a JSON ${typeof document}, not a report object or array`)
  }
  const top = document as JsonObject
  if ('SchemaVersion' in top) {
    if (top.SchemaVersion !== 2) {
      throw new ScanError(
        `the Trivy report has SchemaVersion ${JSON.stringify(top.SchemaVersion)}; vouch reads SchemaVersion 2 ` +
          '(Trivy v0.20 and later) and the bare array of older releases',
      )
    }
    return { top }
  }
  if ('ClusterName' in top) {
    throw new ScanError('the report is a `trivy k8s` cluster report, not the report of one image')
  }
  // The transitional object (between the bare array and SchemaVersion 2) always carried Results.
  if (!Array.isArray(top.Results)) {
    throw new ScanError('the Trivy report has neither SchemaVersion nor a Results array: not a Trivy report')
  }
  return { top }
}

function readModified(value: unknown, where: string, place: Place): ModifiedFinding | undefined {
  const entry = asObject(value, where)
  const type = optionalString(entry, 'Type', where)
  // Misconfigurations, secrets and licences set aside by Trivy are not findings of the gate either.
  if (type !== undefined && type !== 'vulnerability') return undefined
  const finding = readVulnerability(entry.Finding, pathOf(where, 'Finding'), place)
  const modified: ModifiedFinding = { finding, status: optionalString(entry, 'Status', where) ?? 'unknown' }
  const statement = optionalString(entry, 'Statement', where)
  if (statement) modified.statement = statement
  const source = optionalString(entry, 'Source', where)
  if (source) modified.source = source
  return modified
}

function readRepoDigests(top: JsonObject | undefined): string[] {
  if (!top) return []
  const metadata = top.Metadata
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new ScanError(`the Trivy report's Metadata is ${describe(metadata)}, not an object`)
  }
  // SchemaVersion 2 keeps them in Metadata; the transitional object had them at the top.
  const holder = (metadata as JsonObject | null | undefined) ?? top
  const where = holder === top ? '' : 'Metadata'
  return listAt(holder, 'RepoDigests', where).map((digest, index) => {
    if (typeof digest !== 'string') {
      throw new ScanError(`the Trivy report's ${pathOf(where, 'RepoDigests')}[${index}] is ${describe(digest)}`)
    }
    return digest
  })
}

function readOs(top: JsonObject): string | undefined {
  const metadata = top.Metadata as JsonObject | undefined
  const os = metadata?.OS
  if (typeof os !== 'object' || os === null) return undefined
  const { Family: family, Name: name } = os as JsonObject
  if (typeof family !== 'string' || family === '' || family === 'none') return undefined
  return typeof name === 'string' && name !== '' ? `${family} ${name}` : family
}

// `name@sha256:<hex>` (or another registered algorithm); a name without a digest names none.
const PINNED = /@([a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,})$/i

/** Every digest the report names: RepoDigests, and the ArtifactName when it is pinned by digest. */
function namedDigests(report: ScanReport): string[] {
  const references = [...report.repoDigests, report.artifactName ?? '']
  return references.flatMap((reference) => PINNED.exec(reference)?.[1]?.toLowerCase() ?? [])
}

function checkDigest(report: ScanReport, expected: string): void {
  const named = namedDigests(report)
  // vouch hands Trivy a `repo@sha256:…` reference, and Trivy writes it back as ArtifactName: a report naming no
  // digest at all is not the one Trivy wrote for this scan, and must not pass as a clean result.
  if (named.length === 0) {
    throw new ScanError(`the Trivy report names no artifact digest, so it cannot be the report for ${expected}`)
  }
  if (named.includes(expected.toLowerCase())) return
  throw new ScanError(
    `the Trivy report is for ${[...new Set(named)].join(', ')}, not for the scanned digest ${expected}`,
  )
}
