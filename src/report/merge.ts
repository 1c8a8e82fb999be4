// Merges the reports of one image's platforms into unique findings: the same finding (by findingKey) on several
// platforms, or twice in one report, counts once and lists every platform it was seen on.
import { findingKey, severityRank, type Finding, type ModifiedFinding, type ScanReport } from './model.js'

export interface MergedFindings {
  findings: Finding[]
  modified: ModifiedFinding[]
}

export function mergeReports(reports: ScanReport[]): MergedFindings {
  return uniqueFindings(
    reports.flatMap((report) => report.findings),
    reports.flatMap((report) => report.modified),
  )
}

/**
 * The lists this module made unique, frozen so that nothing can have changed them since: made unique again they
 * would come back equal, so the gate (which makes its input unique for callers that did not merge) skips the work.
 */
const madeUnique = new WeakSet<readonly unknown[]>()

/** Unique findings and unique set-aside findings; a finding reported unsuppressed anywhere is not set aside. */
export function uniqueFindings(findings: Finding[], modified: ModifiedFinding[]): MergedFindings {
  if (madeUnique.has(findings) && madeUnique.has(modified)) return { findings, modified }
  const byKey = new Map<string, Finding>()
  for (const finding of findings) {
    const key = findingKey(finding)
    const seen = byKey.get(key)
    byKey.set(key, seen ? combine(seen, finding) : withUniquePlatforms(finding))
  }

  const modifiedByKey = new Map<string, ModifiedFinding>()
  for (const entry of modified) {
    const key = findingKey(entry.finding)
    // The verdict is the worst of the platforms: if one platform reports it unsuppressed, it is a finding there.
    if (byKey.has(key)) continue
    const seen = modifiedByKey.get(key)
    const platforms = seen ? [...seen.finding.platforms, ...entry.finding.platforms] : entry.finding.platforms
    const kept = seen ?? entry
    modifiedByKey.set(key, { ...kept, finding: { ...kept.finding, platforms: unique(platforms) } })
  }
  return { findings: frozen([...byKey.values()]), modified: frozen([...modifiedByKey.values()]) }
}

function frozen<T>(list: T[]): T[] {
  madeUnique.add(Object.freeze(list))
  return list
}

/**
 * Of two records of one finding, keep the one that weighs more for the gate, so that the order in which
 * platforms were scanned can never lower a count: not `not_affected` first, then the worse severity, then fixable
 * (which `ignore-unfixed` cannot set aside).
 */
function combine(first: Finding, second: Finding): Finding {
  const kept = weight(second) < weight(first) ? second : first
  return { ...kept, platforms: unique([...first.platforms, ...second.platforms]) }
}

/**
 * The finding with each platform listed once: the same object when it already is, which is safe because findings
 * are never changed once read, and saves a copy of every finding each time findings are made unique.
 */
function withUniquePlatforms(finding: Finding): Finding {
  if (finding.platforms.length < 2) return finding // the usual case, with nothing to make unique
  const platforms = unique(finding.platforms)
  return platforms.length === finding.platforms.length ? finding : { ...finding, platforms }
}

/** Smaller weighs more. */
function weight(finding: Finding): number {
  const notAffected = finding.status === 'not_affected' ? 1 : 0
  return notAffected * 100 + severityRank(finding.severity) * 10 + (finding.fixable ? 0 : 1)
}

function unique(platforms: string[]): string[] {
  return [...new Set(platforms)]
}
