// Benchmark of the report reader and gate on a large generated Trivy report, printed as ratios: the time against a
// bare JSON.parse of the same file, and the peak RSS against the file size. `--size MB` (100) and `--runs N` (7).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { compileMeasurement } from './compile.js'
import { generateReport } from './generate-report.js'

interface Measurement {
  mode: string
  milliseconds: number
  peakRss: number
  found: Record<string, number>
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const corpus = path.join(root, '__tests__/fixtures/trivy/json')
const DIGEST = `sha256:${'5e'.repeat(32)}`
const MB = 1024 * 1024

const { values } = parseArgs({
  options: { size: { type: 'string', default: '100' }, runs: { type: 'string', default: '7' } },
})
const size = Number(values.size)
const runs = Number(values.runs)
if (!(size > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('usage: --size <MB, > 0> --runs <count, >= 1>')

const work = mkdtempSync(path.join(tmpdir(), 'vouch-bench-'))
try {
  const file = path.join(work, 'trivy.json')
  const exceptionsFile = path.join(work, 'exceptions.json')
  const measure = compileMeasurement(root, path.join(work, 'code'))
  const generated = generateReport(corpus, file, { bytes: size * MB, digest: DIGEST })
  writeFileSync(exceptionsFile, JSON.stringify(generated.exceptions))
  console.log(
    `Report: ${mb(generated.bytes)} MB, ${generated.results} results, ${generated.entries} entries ` +
      `(+${generated.duplicates} duplicates), ${generated.exceptions.length} exceptions; Node ${process.version}, ` +
      `median of ${runs} runs, each in a fresh process`,
  )

  const run = (mode: string): Measurement => {
    const args = [measure, mode, file, exceptionsFile, DIGEST]
    const output = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: MB })
    return JSON.parse(output.trim().split('\n').at(-1) ?? '') as Measurement
  }
  const idle = run('idle')
  // Interleaved, so that load from other work on the machine falls on both alike.
  const parse: Measurement[] = []
  const gate: Measurement[] = []
  for (let i = 0; i < runs; i++) {
    parse.push(run('parse'))
    gate.push(run('gate'))
  }
  const found = Object.entries(gate.at(-1)?.found ?? {}).map(([what, count]) => `${count} ${what}`)
  console.log(`Gate: ${found.join(', ')}\n`)

  const parseTime = median(parse.map((m) => m.milliseconds))
  const gateTime = median(gate.map((m) => m.milliseconds))
  const parseRss = median(parse.map((m) => m.peakRss))
  const gateRss = median(gate.map((m) => m.peakRss))
  const rows = [
    ['', 'time (ms)', 'time ratio', 'peak RSS (MB)', 'RSS / file size', 'RSS above idle / file size'],
    ['idle process', '', '', mb(idle.peakRss), ratio(idle.peakRss, generated.bytes), ''],
    ['JSON.parse', fixed(parseTime), '1.00', mb(parseRss), ratio(parseRss, generated.bytes), above(parseRss)],
    [
      'reader + gate',
      fixed(gateTime),
      ratio(gateTime, parseTime),
      mb(gateRss),
      ratio(gateRss, generated.bytes),
      above(gateRss),
    ],
  ]
  printTable(rows)

  function above(rss: number): string {
    return ratio(rss - idle.peakRss, generated.bytes)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1)
}

function fixed(milliseconds: number): string {
  return milliseconds.toFixed(0)
}

function ratio(value: number, base: number): string {
  return (value / base).toFixed(2)
}

function printTable(rows: string[][]): void {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)))
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    )
  }
}
