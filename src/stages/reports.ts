// Writes the three files of one scan into output-dir: the Trivy JSON (platforms merged, each named), SARIF for code
// scanning, and the vuln predicate that is (or would have been) attested.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { Inputs } from '../inputs.js'
import { SARIF_RESULT_LIMIT, sarifChunks, sarifOmitted, type SarifContext } from '../render/sarif.js'
import { formatCount } from '../render/markdown.js'
import { renderPredicate, type PredicateContext } from '../render/predicate.js'
import type { ImageTarget } from './resolve.js'
import type { ScanOutcome } from './scan.js'
import { isRecord } from '../json.js'

export interface ReportFiles {
  json: string
  sarif: string
  predicate: string
}

export async function writeReports(request: {
  inputs: Inputs
  target: ImageTarget
  scan: ScanOutcome
  env: NodeJS.ProcessEnv
}): Promise<ReportFiles> {
  const { inputs, target, scan, env } = request
  await mkdir(inputs.outputDir, { recursive: true })
  const files: ReportFiles = {
    json: path.join(inputs.outputDir, 'trivy.json'),
    sarif: path.join(inputs.outputDir, 'trivy.sarif'),
    predicate: path.join(inputs.outputDir, 'vuln-predicate.json'),
  }
  const sarif: SarifContext = { gate: scan.gate, trivyVersion: scan.trivyVersion, image: target.pinned }
  const predicate: PredicateContext = {
    gate: scan.gate,
    trivyVersion: scan.trivyVersion,
    dbRepository: scan.db.repository ?? inputs.dbRepositories[0] ?? '',
    ...(scan.db.updatedAt === undefined ? {} : { dbUpdatedAt: scan.db.updatedAt }),
    scanStartedOn: scan.startedAt,
    scanFinishedOn: scan.finishedAt,
    image: target.pinned,
    annotationKey: inputs.annotationKey,
    environment: env,
  }
  await Promise.all([writeJsonReport(scan, files.json), writeSarifAndPredicate(files, sarif, predicate)])
  core.info(`Reports: ${files.json}, ${files.sarif}, ${files.predicate}`)
  return files
}

/**
 * The SARIF, written chunk by chunk as it is made, then the predicate: neither file's whole text, nor both at once,
 * is ever held (a large image's SARIF is tens of megabytes). fs.promises.writeFile takes an Iterable of strings and
 * writes each one whole before asking for the next (Node v24 docs, `data <Iterable>` since v15.14.0).
 */
export async function writeSarifAndPredicate(
  files: Pick<ReportFiles, 'sarif' | 'predicate'>,
  sarif: SarifContext,
  predicate: PredicateContext,
): Promise<void> {
  const omitted = sarifOmitted(sarif.gate)
  if (omitted > 0) {
    const total = sarif.gate.counted.length + sarif.gate.ignored.length
    core.warning(
      `The SARIF report holds ${formatCount(SARIF_RESULT_LIMIT)} of ${formatCount(total)} results, the most severe ` +
        `(counted findings first): GitHub code scanning rejects a run of more. ${formatCount(omitted)} left out; ` +
        'the Trivy JSON report and the predicate hold every finding.',
    )
  }
  await writeFile(files.sarif, sarifChunks(sarif))
  await writeFile(files.predicate, `${JSON.stringify(renderPredicate(predicate))}\n`)
}

/**
 * One report file. A single platform's report is Trivy's own, copied as it is; several are merged into the first
 * one's shape with every result tagged with its platform, so tools that read Trivy's JSON still can.
 */
async function writeJsonReport(scan: Pick<ScanOutcome, 'scans'>, file: string): Promise<void> {
  const [first] = scan.scans
  if (scan.scans.length === 1 && first !== undefined) return copyFile(first.reportFile, file)
  const reports = []
  for (const { platform, digest, reportFile } of scan.scans) {
    reports.push({ platform, digest, report: JSON.parse(await readFile(reportFile, 'utf8')) as unknown })
  }
  await writeFile(file, `${JSON.stringify(mergedReport(reports), null, 2)}\n`)
}

/** Several reports as one: each result names the image it came from by `Platform` (its label) and `Digest`. */
export function mergedReport(reports: { platform?: string | undefined; digest?: string; report: unknown }[]): unknown {
  const base = (isRecord(reports[0]?.report) ? reports[0].report : {}) as Record<string, unknown>
  const results = reports.flatMap(({ platform, digest, report }) => {
    const list = Array.isArray(report)
      ? report
      : isRecord(report) && Array.isArray(report.Results)
        ? report.Results
        : []
    return list.map((result: unknown) =>
      isRecord(result) ? { ...result, Platform: platform, Digest: digest } : result,
    )
  })
  return {
    ...base,
    Platforms: reports.map(({ platform }) => platform),
    Images: reports.map(({ platform, digest }) => ({ Platform: platform, Digest: digest })),
    Results: results,
  }
}
