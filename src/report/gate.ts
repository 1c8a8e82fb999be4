// Holds the findings against the budgets: what counts, what is set aside and why, which severities break their
// budget. Pure: `today` comes in as data, so the same inputs always give the same gate.
import { isExpired, matches } from './exceptions.js'
import { uniqueFindings } from './merge.js'
import { SEVERITIES, severityRank, type Budgets, type Finding, type ModifiedFinding, type Severity } from './model.js'
import type { Breach, Exception, GateResult, IgnoreReason, IgnoredFinding, Verdict } from './verdict.js'

export interface GateInput {
  findings: Finding[]
  modified: ModifiedFinding[]
  budgets: Budgets
  exceptions: Exception[]
  ignoreUnfixed: boolean
  /** The UTC day the gate is held on, YYYY-MM-DD; decides which exceptions have expired. */
  today: string
}

export function holdGate(input: GateInput): GateResult {
  // Unique again here, so a caller that did not merge can still never count one finding twice.
  const { findings, modified } = uniqueFindings(input.findings, input.modified)
  // Live exceptions by ID, each ID's in the file's order: an exception only ever covers findings of its own ID.
  const live = new Map<string, Exception[]>()
  for (const exception of input.exceptions) {
    if (isExpired(exception, input.today)) continue
    const sameId = live.get(exception.id)
    if (sameId === undefined) live.set(exception.id, [exception])
    else sameId.push(exception)
  }
  // Every expired entry is listed, not only those that would have matched a finding: an expired exception is
  // stale policy worth renewing or deleting either way.
  const expiredExceptions = input.exceptions.filter((exception) => isExpired(exception, input.today))

  const counted: Finding[] = []
  const ignored: IgnoredFinding[] = []
  for (const finding of findings) {
    const reason = ignoreReason(finding, live, input.ignoreUnfixed)
    if (reason) ignored.push({ finding, reason })
    else counted.push(finding)
  }
  for (const entry of modified) {
    const reason: IgnoreReason = { kind: 'vex' }
    if (entry.statement !== undefined) reason.statement = entry.statement
    if (entry.source !== undefined) reason.source = entry.source
    ignored.push({ finding: entry.finding, reason })
  }
  counted.sort(worstFirst)
  ignored.sort((a, b) => worstFirst(a.finding, b.finding))

  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>
  for (const finding of counted) counts[finding.severity]++
  const breaches: Breach[] = []
  for (const severity of SEVERITIES) {
    const budget = input.budgets[severity]
    // The budget is the largest count that still passes; null (or absent) is no limit.
    if (budget === null || budget === undefined || counts[severity] <= budget) continue
    const behind = counted.filter((finding) => finding.severity === severity)
    breaches.push({ severity, budget, counted: counts[severity], findings: behind })
  }

  return {
    budgets: input.budgets,
    counted,
    counts,
    fixable: counted.filter((finding) => finding.fixable).length,
    ignored,
    expiredExceptions,
    breaches,
  }
}

/** Failed when any severity breaks its budget; passed otherwise. Errors are decided before a gate exists. */
export function decide(gate: GateResult): Verdict {
  return gate.breaches.length > 0 ? { status: 'failed', gate } : { status: 'passed', gate }
}

/** Why a finding is set aside, the first reason that applies, in the order the contract lists them; else none. */
function ignoreReason(
  finding: Finding,
  exceptions: Map<string, Exception[]>,
  ignoreUnfixed: boolean,
): IgnoreReason | undefined {
  const exception = exceptions.get(finding.id)?.find((candidate) => matches(candidate, finding))
  if (exception) return { kind: 'exception', exception }
  if (finding.status === 'not_affected') return { kind: 'not_affected' }
  if (ignoreUnfixed && !finding.fixable) return { kind: 'unfixed' }
  return undefined
}

/** Worst severity first, then fixable first (what can be done now), then by ID and package for a stable order. */
export function worstFirst(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    Number(b.fixable) - Number(a.fixable) ||
    compareText(a.id, b.id) ||
    compareText(a.pkgName, b.pkgName) ||
    compareText(a.installedVersion, b.installedVersion) ||
    compareText(a.pkgPath ?? '', b.pkgPath ?? '') ||
    compareText(a.target, b.target)
  )
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
