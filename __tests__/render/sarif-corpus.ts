// The gates of every report in the corpus that the reader accepts (the others are scan errors and get no SARIF),
// with Trivy's own VEX suppressions as ignored findings: what the SARIF tests render.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ScanError } from '../../src/errors.js'
import { uniqueFindings } from '../../src/report/merge.js'
import type { GateResult } from '../../src/report/verdict.js'
import { fixturePath, fixtureReport, gateOf } from './builders.js'

function reportFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    return statSync(path).isDirectory() ? reportFiles(path) : [path]
  })
}

export function gateFor(name: string): GateResult {
  const report = fixtureReport(name)
  const { findings, modified } = uniqueFindings(report.findings, report.modified)
  const ignored = modified.map((entry) => ({
    finding: entry.finding,
    reason: { kind: 'vex' as const, statement: entry.statement, source: entry.source },
  }))
  return gateOf(findings, { ignored })
}

/** [name under trivy/json, its gate] for every readable report of the corpus. */
export function corpusGates(): (readonly [string, GateResult])[] {
  return reportFiles(fixturePath('trivy/json')).flatMap((path) => {
    const name = relative(fixturePath('trivy/json'), path)
    try {
      return [[name, gateFor(name)] as const]
    } catch (error) {
      // Only the reader's refusal leaves a report out; anything else is a fault of the test or the code.
      if (error instanceof ScanError) return []
      throw error
    }
  })
}
