// The workflow annotations a run leaves on the job page, as data: an error per breaching finding (the first ten,
// then a count) and a warning per expired exception. The caller passes each line to core.error / core.warning.
import type { Verdict } from '../report/verdict.js'
import { singleLine } from './markdown.js'
import { splitByBreach, versionChange } from './findings.js'

/** How many findings get a line of their own; the rest are counted in one line. */
export const ANNOTATED_FINDINGS = 10

export interface WorkflowAnnotations {
  errors: string[]
  warnings: string[]
}

export function workflowAnnotations(verdict: Verdict): WorkflowAnnotations {
  const gate = verdict.gate
  if (gate === undefined) return { errors: [], warnings: [] }

  const { breaching } = splitByBreach(gate)
  const errors = breaching.slice(0, ANNOTATED_FINDINGS).map((finding) => {
    const title = finding.title === undefined ? '' : `: ${singleLine(finding.title, 200)}`
    const pkg = singleLine(`${finding.pkgName} ${versionChange(finding)}`, 200)
    return `${singleLine(finding.id, 100)} (${finding.severity}) in ${pkg}${title}`
  })
  const more = breaching.length - errors.length
  if (more > 0) {
    errors.push(
      `${more} more finding${more === 1 ? '' : 's'} breach a budget; the job summary and reports list them all.`,
    )
  }

  const warnings = gate.expiredExceptions.map((exception) => {
    const expired = exception.expiresOn === undefined ? '' : ` on ${exception.expiresOn}`
    return singleLine(
      `The exception for ${exception.id} (${exception.source}) expired${expired} and suppresses nothing; renew or remove it.`,
      500,
    )
  })
  return { errors, warnings }
}
