// One measurement of the report benchmark, in a process of its own so that its peak RSS is its own:
// `parse` reads the file with a bare JSON.parse, `gate` through the reader, merge and gate, `idle` does neither.
// Prints one JSON line: the time taken, the peak RSS, and what was found (so the work cannot be skipped).
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { holdGate } from '../src/report/gate.js'
import { mergeReports } from '../src/report/merge.js'
import { readTrivyReport } from '../src/report/trivy.js'
import type { Budgets } from '../src/report/model.js'
import type { Exception } from '../src/report/verdict.js'

const BUDGETS: Budgets = { CRITICAL: 0, HIGH: 10, MEDIUM: null, LOW: null, UNKNOWN: null }
const TODAY = '2025-06-01'

const [mode, file = '', exceptionsFile = '', digest = ''] = process.argv.slice(2)
// Read before the clock starts: it is the user's ignore file, not the report.
const exceptions = exceptionsFile ? (JSON.parse(readFileSync(exceptionsFile, 'utf8')) as Exception[]) : []

const started = performance.now()
let found: Record<string, number> = {}
if (mode === 'parse') {
  const document = JSON.parse(readFileSync(file, 'utf8')) as { Results?: unknown[] }
  found = { results: document.Results?.length ?? 0 }
} else if (mode === 'gate') {
  const report = readTrivyReport(readFileSync(file, 'utf8'), { digest })
  const merged = mergeReports([report])
  const gate = holdGate({ ...merged, budgets: BUDGETS, exceptions, ignoreUnfixed: true, today: TODAY })
  found = {
    findings: report.findings.length,
    unique: merged.findings.length,
    counted: gate.counted.length,
    ignored: gate.ignored.length,
    breaches: gate.breaches.length,
  }
} else if (mode !== 'idle') {
  throw new Error(`unknown mode ${String(mode)}: parse, gate or idle`)
}
const milliseconds = performance.now() - started

// VmHWM, not resourceUsage().maxRSS: Linux carries ru_maxrss over from the parent across fork and exec, so a child
// of a large parent would report the parent's peak.
const peakRss = Number(/^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024
process.stdout.write(`${JSON.stringify({ mode, milliseconds, peakRss, found })}\n`)
