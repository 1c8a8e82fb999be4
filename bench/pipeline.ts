// Part 1: the report pipeline (reader, gate, summary, SARIF, predicate) on generated reports of 1, 10 and 100 MB,
// against a bare JSON.parse of the same bytes. Times: medians of runs alternated in one process (GC between runs);
// peak RSS: medians of fresh processes, one per measurement.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { compileMeasurement } from './compile.js'
import { MB, mb, median, ms, printTable, ratio, target, times } from './format.js'
import { generateReport, type GeneratedReport } from './generate-report.js'

const DIGEST = `sha256:${'5e'.repeat(32)}`

export interface PipelineOptions {
  root: string
  sizesMb: number[]
  runs: number
  rssRuns: number
}

interface SizeFigures {
  generated: GeneratedReport
  parseMs: number
  pipelineMs: number
  parseCpu: number
  pipelineCpu: number
  parseRss: number
  pipelineRss: number
  idleRss: number
  /** CPU ms per stage (medians), the stages of JSON.parse's side and the pipeline's. */
  stageCpu: Record<string, number>
  found: Record<string, number>
}

export function runPipelineBench(options: PipelineOptions): void {
  const { root } = options
  const work = mkdtempSync(path.join(tmpdir(), 'vouch-bench-pipeline-'))
  try {
    const measure = compileMeasurement(root, path.join(work, 'code'), 'bench/measure-pipeline.ts')
    const figures = new Map<number, SizeFigures>()
    for (const size of options.sizesMb) figures.set(size, measureSize(root, work, measure, size, options))
    report(figures)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function measureSize(root: string, work: string, measure: string, size: number, options: PipelineOptions) {
  const file = path.join(work, `trivy-${size}.json`)
  const exceptionsFile = path.join(work, `exceptions-${size}.json`)
  const generated = generateReport(path.join(root, '__tests__/fixtures/trivy/json'), file, {
    bytes: size * MB,
    digest: DIGEST,
  })
  writeFileSync(exceptionsFile, JSON.stringify(generated.exceptions))
  const run = (mode: string, runs = 1, flags: string[] = []): Record<string, unknown> => {
    const args = [...flags, measure, mode, file, exceptionsFile, DIGEST, String(runs)]
    const output = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: MB })
    return JSON.parse(output.trim().split('\n').at(-1) ?? '') as Record<string, unknown>
  }
  const timing = run('time', options.runs, ['--expose-gc'])
  const rss = { parse: [] as number[], pipeline: [] as number[] }
  // Interleaved, so that load from other work on the machine falls on both alike.
  for (let i = 0; i < options.rssRuns; i++) {
    rss.parse.push(run('parse').peakRss as number)
    rss.pipeline.push(run('pipeline').peakRss as number)
  }
  rmSync(file)
  return {
    generated,
    parseMs: median(timing.parseTimes as number[]),
    pipelineMs: median(timing.pipelineTimes as number[]),
    parseCpu: median(timing.parseCpu as number[]),
    pipelineCpu: median(timing.pipelineCpu as number[]),
    parseRss: median(rss.parse),
    pipelineRss: median(rss.pipeline),
    idleRss: run('idle').peakRss as number,
    stageCpu: Object.fromEntries(
      Object.entries(timing.stageCpu as Record<string, number[]>).map(([name, cpu]) => [name, median(cpu)]),
    ),
    found: timing.found as Record<string, number>,
  }
}

function report(figures: Map<number, SizeFigures>): void {
  const rows = [
    [
      'report',
      'entries',
      'JSON.parse ms',
      'pipeline ms',
      'ratio',
      'CPU ms (parse / pipeline)',
      'CPU ratio',
      'RSS MB',
      'RSS / size',
      'above idle',
    ],
  ]
  for (const [size, f] of figures) {
    const bytes = f.generated.bytes
    rows.push([
      `${size} MB (${mb(bytes)})`,
      String(f.generated.entries),
      ms(f.parseMs),
      ms(f.pipelineMs),
      ratio(f.pipelineMs, f.parseMs),
      `${ms(f.parseCpu)} / ${ms(f.pipelineCpu)}`,
      ratio(f.pipelineCpu, f.parseCpu),
      `${mb(f.parseRss)} / ${mb(f.pipelineRss)}`,
      ratio(f.pipelineRss, bytes),
      ratio(f.pipelineRss - f.idleRss, bytes),
    ])
  }
  printTable('Report pipeline: reader + gate + summary + SARIF + predicate vs JSON.parse (RSS: parse / pipeline)', rows)
  const sizes = [...figures.keys()]
  const stages = Object.keys([...figures.values()][0]?.stageCpu ?? {})
  printTable('Where the time goes: process CPU ms per stage (medians of the timed runs)', [
    ['stage', ...sizes.map((size) => `${size} MB`)],
    ...stages.map((name) => [name, ...sizes.map((size) => ms(figures.get(size)?.stageCpu[name] ?? Number.NaN))]),
  ])
  const last = [...figures.values()].at(-1)
  if (last)
    console.log(
      `pipeline found (largest): ${Object.entries(last.found)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
    )
  // Wall time is what a pipeline waits; CPU time is printed beside it because other work on the machine moves it less.
  for (const [size, f] of figures) {
    const cpu = `; CPU time ${times(2)(f.pipelineCpu / f.parseCpu)}`
    target({
      name: `pipeline time ${size} MB`,
      value: f.pipelineMs / f.parseMs,
      limit: 1.5,
      unit: times(2),
      detail: cpu,
    })
  }
  // Above what an idle Node holds (about 60 MB, whatever the report): that part is no cost of reading the report.
  for (const [size, f] of figures) {
    const value = (f.pipelineRss - f.idleRss) / f.generated.bytes
    const name = `pipeline peak RSS above idle Node ${size} MB`
    target({ name, value, limit: 4, unit: (v) => `${v.toFixed(2)}× file size` })
  }
  const ten = figures.get(10)
  const hundred = figures.get(100)
  if (ten && hundred) {
    const growth = hundred.pipelineMs / ten.pipelineMs
    const detail = `; CPU time ${(hundred.pipelineCpu / ten.pipelineCpu).toFixed(1)}×`
    target({ name: 'pipeline growth 100 MB / 10 MB', value: growth, limit: 12, unit: times(1), detail })
  }
}
