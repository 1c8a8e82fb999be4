// One measurement of the report pipeline benchmark, run as plain JavaScript (bench/compile.ts) in a process of its
// own. Modes:
//   time FILE EXCEPTIONS DIGEST RUNS   JSON.parse and the pipeline, alternated RUNS times in this one process
//   parse | pipeline FILE …            one of them once, for the peak RSS of a fresh process
//   idle                               neither: the RSS of Node itself
// The pipeline is what vouch does with a report: read, merge, gate, then the summary, and the SARIF and the predicate
// written to files of a scratch folder by the action's own writer. Prints one JSON line; what was found is in it, so
// no work is skipped.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { decide, holdGate } from '../src/report/gate.js'
import { mergeReports } from '../src/report/merge.js'
import { readTrivyReport } from '../src/report/trivy.js'
import { renderSummary } from '../src/render/summary.js'
import { writeSarifAndPredicate } from '../src/stages/reports.js'
import type { Budgets } from '../src/report/model.js'
import type { Exception } from '../src/report/verdict.js'

const BUDGETS: Budgets = { CRITICAL: 0, HIGH: 10, MEDIUM: null, LOW: null, UNKNOWN: null }
const NOW = new Date('2025-06-01T12:00:00Z')
const TRIVY = 'v0.74.0'

const [mode, file = '', exceptionsFile = '', digest = '', runsText = '1'] = process.argv.slice(2)
// Read before any clock starts: it is the user's ignore file, not the report.
const exceptions = exceptionsFile ? (JSON.parse(readFileSync(exceptionsFile, 'utf8')) as Exception[]) : []
const image = `registry.example/bench/app@${digest}`
// Between two timed runs, when Node runs with --expose-gc: one run's garbage is not the next one's cost.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {})
const scratch = mkdtempSync(path.join(tmpdir(), 'vouch-bench-reports-'))
const files = { sarif: path.join(scratch, 'trivy.sarif'), predicate: path.join(scratch, 'vuln-predicate.json') }

// Each stage's process CPU time, by name, over the timed runs: where the time goes, from the very runs timed whole.
const stageCpu: Record<string, number[]> = {}

function stage<T>(name: string, work: () => T): T {
  const before = process.cpuUsage()
  const done = (): void => {
    const used = process.cpuUsage(before)
    ;(stageCpu[name] ??= []).push((used.user + used.system) / 1000)
  }
  const result = work()
  if (result instanceof Promise) return result.finally(done) as T
  done()
  return result
}

function parse(): Record<string, number> {
  const text = stage('readFileSync', () => readFileSync(file, 'utf8'))
  const document = stage('JSON.parse', () => JSON.parse(text) as { Results?: unknown[] })
  return { results: document.Results?.length ?? 0 }
}

async function pipeline(): Promise<Record<string, number>> {
  const text = stage('pipeline: readFileSync', () => readFileSync(file, 'utf8'))
  const report = stage('pipeline: reader (its JSON.parse included)', () => readTrivyReport(text, { digest }))
  const merged = stage('pipeline: merge', () => mergeReports([report]))
  const gate = stage('pipeline: gate', () =>
    holdGate({ ...merged, budgets: BUDGETS, exceptions, ignoreUnfixed: true, today: '2025-06-01' }),
  )
  const verdict = decide(gate)
  const summary = stage('pipeline: summary', () =>
    renderSummary({
      verdict,
      image,
      platforms: [],
      trivyVersion: TRIVY,
      dbUpdatedAt: '2025-06-01T06:00:00Z',
      now: NOW,
      enforce: true,
      annotationKey: 'security.example.com/scan-status',
      budgets: BUDGETS,
      reportPaths: { json: '/tmp/vouch/trivy.json', sarif: '/tmp/vouch/trivy.sarif', predicate: '/tmp/vouch/p.json' },
    }),
  )
  await stage('pipeline: SARIF and predicate, written to files', () =>
    writeSarifAndPredicate(
      files,
      { gate, trivyVersion: TRIVY, image },
      {
        gate,
        trivyVersion: TRIVY,
        dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2',
        dbUpdatedAt: '2025-06-01T06:00:00Z',
        scanStartedOn: NOW,
        scanFinishedOn: NOW,
        image,
        // As src/stages/reports.ts passes them: the gate facts name the key, and the invocation the run.
        annotationKey: 'security.example.com/scan-status',
        environment: {
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'example/app',
          GITHUB_RUN_ID: '1',
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_WORKFLOW_REF: 'example/app/.github/workflows/release.yml@refs/heads/main',
        },
      },
    ),
  )
  return {
    findings: report.findings.length,
    unique: merged.findings.length,
    counted: gate.counted.length,
    ignored: gate.ignored.length,
    breaches: gate.breaches.length,
    summaryBytes: summary.length,
    sarifBytes: statSync(files.sarif).size,
    predicateBytes: statSync(files.predicate).size,
  }
}

/** Wall time, and the process's CPU time (all threads, GC helpers included): steadier on a shared machine. */
async function timed(work: () => Record<string, number> | Promise<Record<string, number>>): Promise<{
  milliseconds: number
  cpu: number
  found: Record<string, number>
}> {
  collect()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const found = await work()
  const milliseconds = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  return { milliseconds, cpu: (cpu.user + cpu.system) / 1000, found }
}

let result: Record<string, unknown>
if (mode === 'time') {
  const parseTimes: number[] = []
  const pipelineTimes: number[] = []
  const parseCpu: number[] = []
  const pipelineCpu: number[] = []
  let found: Record<string, number> = {}
  for (let run = 0; run < Number(runsText); run++) {
    const parsed = await timed(parse)
    parseTimes.push(parsed.milliseconds)
    parseCpu.push(parsed.cpu)
    const measured = await timed(pipeline)
    pipelineTimes.push(measured.milliseconds)
    pipelineCpu.push(measured.cpu)
    found = measured.found
  }
  result = { parseTimes, pipelineTimes, parseCpu, pipelineCpu, stageCpu, found }
} else if (mode === 'parse' || mode === 'pipeline') {
  result = await timed(mode === 'parse' ? parse : pipeline)
} else if (mode === 'idle') {
  result = {}
} else {
  throw new Error(`unknown mode ${String(mode)}: time, parse, pipeline or idle`)
}

rmSync(scratch, { recursive: true, force: true })

// VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss over from the parent across fork and exec, so a child
// of a large parent would report the parent's peak.
const peakRss = Number(/^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024
process.stdout.write(`${JSON.stringify({ mode, peakRss, ...result })}\n`)
