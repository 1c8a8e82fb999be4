// `npm run bench`: every benchmark of vouch's cost to a pipeline, one after the other, each printed as a table and
// one line per target (`name: value (target …) ok|over`); the target lines again at the end. Exits 0 whether
// targets are met or not; a figure that needs a tool or DB that is not there is printed as `missing: <what>`.
// Options: --sizes 1,10,100 (report sizes in MB), --runs 7, --only pipeline,overhead,install,real-trivy.
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { MB, targetLines } from './format.js'
import { INSTALL_DEFAULTS, runInstallBench } from './install.js'
import { runOverheadBench } from './overhead.js'
import { runPipelineBench } from './pipeline.js'
import { runRealTrivyBench } from './real-trivy.js'
import { removeScratch } from './scratch.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// A real report that passes the default budgets (4 MEDIUM, all fixed): the stand-in Trivy writes it.
const PASSING_REPORT = path.join(root, '__tests__/fixtures/trivy/json/alpine-310.json.golden')
const PARTS = ['pipeline', 'overhead', 'install', 'real-trivy'] as const

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,100' },
    runs: { type: 'string', default: '7' },
    only: { type: 'string', default: PARTS.join(',') },
  },
})
const sizesMb = values.sizes.split(',').map(Number)
const runs = Number(values.runs)
const only = new Set(values.only.split(','))
if (
  sizesMb.some((size) => !(size > 0)) ||
  !Number.isInteger(runs) ||
  runs < 1 ||
  ![...only].every((part) => (PARTS as readonly string[]).includes(part))
) {
  throw new Error(`usage: --sizes <MB,…> --runs <count ≥ 1> --only <${PARTS.join(',')}>`)
}

const started = Date.now()
console.log(
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 1024 / MB).toFixed(1)} GiB RAM ` +
    `(${(freemem() / 1024 / MB).toFixed(1)} GiB free), load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')} ` +
    `at start; bench on Node ${process.version}`,
)

const parts: [string, () => Promise<void> | void][] = [
  ['pipeline', () => runPipelineBench({ root, sizesMb, runs, rssRuns: 3 })],
  ['overhead', () => runOverheadBench({ root, runs, report: PASSING_REPORT })],
  ['install', () => runInstallBench({ ...INSTALL_DEFAULTS, report: PASSING_REPORT })],
  ['real-trivy', () => runRealTrivyBench({ root, runs: Math.min(runs, 3) })],
]
for (const [name, run] of parts) {
  if (!only.has(name)) continue
  try {
    await run()
  } catch (error) {
    // A benchmark that breaks is a bug to fix, not a figure: it is said, and the run fails.
    console.error(
      `\n${name} benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    process.exitCode = 1
  }
}
removeScratch()

console.log(
  `\nTargets (load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')} at the end):`,
)
for (const line of targetLines) console.log(`  ${line}`)
console.log(`Benchmarks took ${((Date.now() - started) / 1000).toFixed(0)} s`)
