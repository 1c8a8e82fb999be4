// The job summary: GitHub-flavoured Markdown (with a little HTML) for the reviewer, written on every path. It stays
// under GitHub's 1 MiB step-summary limit for any input: the fixed parts are bounded, the tables get what is left.
import type { Budgets } from '../report/model.js'
import type { GateResult, Verdict } from '../report/verdict.js'
import { compareFindings, splitByBreach } from './findings.js'
import { byteLength, truncateBytes } from './markdown.js'
import {
  budgetsSection,
  deploySection,
  expiredSection,
  reportsSection,
  signingSection,
  uncheckedBudgetsSection,
  verdictSection,
  type HeadlineFacts,
} from './summary-sections.js'
import { errorSection } from './summary-error.js'
import {
  OPEN_ROWS,
  findingsList,
  ignoredList,
  noteReserveBytes,
  renderLists,
  type ReportPaths,
  type RowList,
} from './summary-tables.js'

/** GitHub refuses a step summary over 1 MiB (1 048 576 bytes); this leaves a margin for what the runner adds. */
export const SUMMARY_LIMIT_BYTES = 1_000_000

/** Everything the summary says, from the verdict down to where the full reports are. */
export interface SummaryContext extends HeadlineFacts {
  annotationKey: string
  /** The budgets asked for: shown as not checked when the run never reached the gate. */
  budgets?: Budgets
  reportPaths: ReportPaths
  /** UTF-8 bytes the summary may take; SUMMARY_LIMIT_BYTES unless a test says otherwise. */
  limitBytes?: number
}

const SEPARATOR = '\n\n'

export function renderSummary(context: SummaryContext): string {
  const { verdict, reportPaths, annotationKey, signing } = context
  const limit = context.limitBytes ?? SUMMARY_LIMIT_BYTES
  const gate = verdict.gate

  // What was decided and why first; then the findings behind it; then what follows from it (signature, deploy).
  const head = [
    verdictSection(context),
    verdict.status === 'error' ? errorSection(verdict.cause, verdict.remedy) : '',
    gate !== undefined
      ? budgetsSection(gate)
      : context.budgets === undefined
        ? ''
        : uncheckedBudgetsSection(context.budgets),
    // An expired exception is often why a finding breaches: it is said before the findings.
    gate === undefined ? '' : expiredSection(gate.expiredExceptions),
  ]
  const tail = [
    signing === undefined ? '' : signingSection(signing, verdict.status),
    deploySection(annotationKey, verdict.status, signing?.signed === true),
    reportsSection(reportPaths),
  ]
  const fixedBytes = byteLength([...head, ...tail].join(SEPARATOR)) + 3 * SEPARATOR.length
  const lists = gate === undefined ? [] : listsOf(gate, context.platforms.length)
  const tableBudget = limit - fixedBytes - noteReserveBytes(lists.length)
  const tables = renderLists(lists, tableBudget)

  const summary = `${[...head, ...tables, ...tail].filter((part) => part !== '').join(SEPARATOR)}\n`
  return byteLength(summary) <= limit ? summary : tooSmall(verdict, limit)
}

function listsOf(gate: GateResult, platformCount: number): RowList[] {
  const { breaching, others } = splitByBreach(gate)
  const ignored = [...gate.ignored].sort((a, b) => compareFindings(a.finding, b.finding))
  return [
    // The findings behind the verdict are never all folded away.
    findingsList('### ❌ Findings that breach a budget', breaching, platformCount, {
      openRows: OPEN_ROWS,
      expired: gate.expiredExceptions,
    }),
    findingsList(
      breaching.length === 0 ? '### Counted findings' : '### Other counted findings',
      others,
      platformCount,
      {
        expired: gate.expiredExceptions,
      },
    ),
    ignoredList('### Ignored findings', ignored),
  ]
}

/** Only for a limit smaller than the fixed parts (a few kilobytes): the verdict, cut to fit. */
function tooSmall(verdict: Verdict, limit: number): string {
  return truncateBytes(
    `## vouch: ${verdict.status}\n\nThe summary did not fit in ${limit} bytes; see the reports.\n`,
    limit,
  )
}
