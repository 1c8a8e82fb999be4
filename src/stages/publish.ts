// Outputs, workflow annotations and the job summary, written on every path before the step's fate is decided.
import * as core from '@actions/core'
import type { Inputs } from '../inputs.js'
import { SEVERITIES } from '../report/model.js'
import { pinnedReference } from '../image/reference.js'
import type { Verdict } from '../report/verdict.js'
import { gateAnnotation, podAnnotations } from '../cluster/annotations.js'
import { renderSummary } from '../render/summary.js'
import { workflowAnnotations } from '../render/workflow-annotations.js'
import type { ImageTarget } from './resolve.js'
import type { InstalledTools } from '../tools/install.js'
import type { ScanOutcome } from './scan.js'
import type { ReportFiles } from './reports.js'
import type { SigningOutcome } from './sign.js'

/** What publishing needs of the inputs; a run whose inputs could not be read has these and no image. */
export type PublishedInputs = Pick<Inputs, 'annotationKey' | 'enforce' | 'summary'> &
  Partial<Pick<Inputs, 'image' | 'budgets'>>

export interface Published {
  inputs: PublishedInputs
  verdict: Verdict
  // Each may be absent or undefined: main.ts hands on what the run reached before it stopped.
  target?: ImageTarget | undefined
  tools?: InstalledTools | undefined
  scan?: ScanOutcome | undefined
  files?: ReportFiles | undefined
  signing?: SigningOutcome | undefined
  now: Date
  /** Where the summary goes; the Actions job summary unless the caller (the CLI) says otherwise. */
  writeSummary?: ((markdown: string) => Promise<void>) | undefined
}

export function outputsOf(published: Published): Record<string, string> {
  const { inputs, verdict, target, tools, scan, files, signing } = published
  const gate = verdict.gate
  const count = (value: number | undefined): string => (value === undefined ? '' : String(value))
  return {
    'scan-status': verdict.status,
    image: target?.pinned ?? (inputs.image?.digest === undefined ? '' : pinnedReference(inputs.image)),
    digest: target?.digest ?? inputs.image?.digest ?? '',
    ...Object.fromEntries(SEVERITIES.map((severity) => [severity.toLowerCase(), count(gate?.counts[severity])])),
    ignored: count(gate?.ignored.length),
    fixable: count(gate?.fixable),
    signed: String(signing?.signed ?? false),
    signature: signing?.signature ?? '',
    attested: String(signing?.attested ?? false),
    annotation: gateAnnotation(inputs.annotationKey, verdict.status),
    'pod-annotations': podAnnotations(inputs.annotationKey, verdict.status),
    'json-report': files?.json ?? '',
    'sarif-report': files?.sarif ?? '',
    predicate: files?.predicate ?? '',
    'trivy-version': tools?.trivy.version ?? '',
    'cosign-version': tools?.cosign?.version ?? '',
    'db-updated-at': scan?.db.updatedAt ?? '',
  }
}

export async function publish(published: Published): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(published))) core.setOutput(name, value)

  const { errors, warnings } = workflowAnnotations(published.verdict)
  for (const message of errors) core.error(message)
  for (const message of warnings) core.warning(message)

  if (!published.inputs.summary) return
  const markdown = summaryOf(published)
  try {
    if (published.writeSummary !== undefined) await published.writeSummary(markdown)
    else await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    // Locally, or on a runner without GITHUB_STEP_SUMMARY: the summary is a convenience, never the verdict.
    core.warning(`The job summary could not be written: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export function summaryOf(published: Published): string {
  const { inputs, verdict, target, tools, scan, files, signing, now } = published
  return renderSummary({
    verdict,
    image: target?.pinned ?? '',
    // The labels of the scanned images; a single-platform image has none.
    platforms: target?.images.flatMap((image) => (image.label === undefined ? [] : [image.label])) ?? [],
    ...(tools === undefined ? {} : { trivyVersion: tools.trivy.version }),
    ...(scan?.db.updatedAt === undefined ? {} : { dbUpdatedAt: scan.db.updatedAt }),
    ...(scan?.db.usedCachedFallback === true ? { dbCachedFallback: true } : {}),
    now,
    enforce: inputs.enforce,
    annotationKey: inputs.annotationKey,
    ...(inputs.budgets === undefined ? {} : { budgets: inputs.budgets }),
    ...(signing === undefined ? {} : { signing }),
    reportPaths: { ...(files ?? {}) },
  })
}
