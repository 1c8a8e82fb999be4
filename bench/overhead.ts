// Part 2: the bundled action run as the runner runs it, with a warm tool cache and stand-in tools that answer at
// once, against a bare `node -e ''`; the bundle's size and import time. Part 5: Trivy invocations per platform,
// counted from the stand-ins' argv logs of a single-image run and of a two-platform index run.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { runAction, type ActionRun, type RunnerDirs } from '../__tests__/harness/run-action.js'
import { pushImage, pushIndex } from '../__tests__/support/push.js'
import { startRegistry } from '../__tests__/support/registry.js'
import { mb, median, ms, printTable, ratio, target, times } from './format.js'
import { actionNode, timeSpawn } from './spawn.js'
import { scratchRunner } from './scratch.js'
import { withStandIns, type StandIns } from './stand-ins.js'

/** A key-signing setup as a workflow would pass it; the stand-in cosign never reads it. */
export const BENCH_KEY =
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9benchkey\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'

export function signingInputs(tools: StandIns, mirror: string): Record<string, string> {
  return {
    'cosign-key': BENCH_KEY,
    'cosign-password': 'bench-password',
    'tlog-upload': 'false',
    ...tools.inputs,
    'tools-mirror': mirror,
  }
}

/** One run of dist/index.js; throws when it did not pass and sign, so that no figure comes from a broken run. */
export async function timedRun(
  inputs: Record<string, string>,
  runner: RunnerDirs,
  options: { env?: Record<string, string>; signs?: boolean } = {},
) {
  const epoch = Date.now()
  const started = performance.now()
  const run = await runAction({ inputs, runner, timeoutMs: 120_000, ...(options.env ? { env: options.env } : {}) })
  const milliseconds = performance.now() - started
  const signed = run.outputs.signed === (options.signs === false ? 'false' : 'true')
  if (run.exitCode !== 0 || run.outputs['scan-status'] !== 'passed' || !signed) {
    throw new Error(`the benchmark run did not pass and sign (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`)
  }
  return { milliseconds, run, epoch }
}

export async function runOverheadBench(options: { root: string; runs: number; report: string }): Promise<void> {
  const registry = await startRegistry()
  try {
    const image = await pushImage(registry.host, 'bench/app', 'v1')
    const repository = `${registry.host}/bench/app`
    await withStandIns({ report: options.report, repository, digest: image.digest }, async (tools, mirror) => {
      const inputs = { image: `${repository}:v1`, digest: image.digest, ...signingInputs(tools, mirror.url) }
      const runner = await scratchRunner()
      await timedRun(inputs, runner) // fills the tool cache
      const requestsWhenWarm = mirror.requests.length
      const action: number[] = []
      const noCache: number[] = []
      const bare: number[] = []
      const phases: { before: number; tools: number; after: number }[] = []
      let last: ActionRun | undefined
      // Interleaved, so that load from other work on the machine falls on all alike.
      for (let i = 0; i < options.runs; i++) {
        bare.push((await timeSpawn(actionNode, ['-e', ''])).milliseconds)
        tools.reset()
        const { milliseconds, run, epoch } = await timedRun(inputs, runner)
        action.push(milliseconds)
        phases.push(phasesOf(tools, epoch, milliseconds))
        last = run
        tools.reset()
        noCache.push((await timedRun({ ...inputs, cache: 'false' }, runner)).milliseconds)
      }
      const calls = tools.invocations().slice(-countPerRun(tools, 2 * options.runs))
      const imported = await importTimes(options.root, options.runs)
      const bundle = bundleBytes(path.join(options.root, 'dist'))

      const rows = [
        ['', 'median ms', 'ratio'],
        [`node -e '' (${path.basename(path.dirname(path.dirname(actionNode)))})`, ms(median(bare)), '1.00'],
        ['bundle import, to the first input error', ms(median(imported)), ratio(median(imported), median(bare))],
        ['vouch run, stand-in tools, warm tool cache', ms(median(action)), ratio(median(action), median(bare))],
        ['  spawn to the first tool call', ms(median(phases.map((p) => p.before))), ''],
        ['  the tool calls, first to last', ms(median(phases.map((p) => p.tools))), ''],
        ['  last tool call to exit', ms(median(phases.map((p) => p.after))), ''],
        ['same, cache: false (@actions/cache never loaded)', ms(median(noCache)), ratio(median(noCache), median(bare))],
      ]
      printTable(`Overhead: dist/index.js with instant stand-ins (${options.runs} runs each, interleaved)`, rows)
      console.log(
        `bundle: ${Object.entries(bundle)
          .map(([file, bytes]) => `${file} ${mb(bytes)} MB`)
          .join(', ')} (loaded at start: index.js only)`,
      )
      console.log(`per run: ${calls.length} stand-in calls (${calls.map((c) => `${c.tool} ${c.argv[0]}`).join(', ')})`)
      console.log(`mirror requests after the first run: ${mirror.requests.length - requestsWhenWarm}`)
      if (last?.outputs.signed !== 'true') throw new Error('the last run did not sign')
      target({ name: 'overhead vs bare node start', value: median(action) / median(bare), limit: 4, unit: times(2) })
      await scansPerImage(registry.host, options.report, inputs, tools)
    })
  } finally {
    await registry.stop()
  }
}

/** When, within one run, the stand-ins were called: from the log's timestamps and the run's start. */
function phasesOf(tools: StandIns, epoch: number, milliseconds: number) {
  const calls = tools.invocations().filter((call) => call.at >= epoch)
  const first = Math.min(...calls.map((call) => call.at)) - epoch
  const last = Math.max(...calls.map((call) => call.at)) - epoch
  return { before: first, tools: last - first, after: milliseconds - last }
}

function countPerRun(tools: StandIns, runs: number): number {
  return Math.round(tools.invocations().length / (runs + 1))
}

/** `import()` of dist/index.js in a fresh Node, with no inputs: it stops at the first input error. */
async function importTimes(root: string, runs: number): Promise<number[]> {
  const script =
    'const t = performance.now(); await import(process.argv[1]); ' +
    'process.on("exit", () => process.stdout.write(`\\nIMPORT ${performance.now() - t}\\n`))'
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const done = await timeSpawn(actionNode, ['--input-type=module', '-e', script, path.join(root, 'dist/index.js')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    })
    const milliseconds = Number(/IMPORT ([\d.]+)/.exec(done.stdout)?.[1])
    if (!Number.isFinite(milliseconds)) throw new Error(`no import time: ${done.stdout}${done.stderr}`)
    out.push(milliseconds)
  }
  return out
}

function bundleBytes(dist: string): Record<string, number> {
  return Object.fromEntries(
    readdirSync(dist)
      .filter((name) => name.endsWith('.js'))
      .map((name) => [name, statSync(path.join(dist, name)).size]),
  )
}

/** Part 5: every platform scanned exactly once, counted from what the stand-in Trivy was asked to do. */
async function scansPerImage(
  host: string,
  report: string,
  single: Record<string, string>,
  singleTools: StandIns,
): Promise<void> {
  const before = singleTools.invocations().length
  singleTools.reset()
  await timedRun(single, await scratchRunner())
  const singleScans = singleTools
    .invocations()
    .slice(before)
    .filter((call) => call.tool === 'trivy' && call.argv[0] === 'image')

  const platforms = ['linux/amd64', 'linux/arm64']
  const index = await pushIndex(host, 'bench/multi', 'v1', platforms)
  const tools = await withStandIns(
    { report, repository: `${host}/bench/multi`, digest: index.digest },
    async (tools, mirror) => {
      const inputs = { image: `${host}/bench/multi:v1`, digest: index.digest, ...signingInputs(tools, mirror.url) }
      await timedRun(inputs, await scratchRunner())
      return tools
    },
  )
  const scans = tools.invocations().filter((call) => call.tool === 'trivy' && call.argv[0] === 'image')
  // Each image of the index is scanned as itself, `repo@<its digest>` (the last argument), never by --platform.
  const perPlatform = platforms.map((platform) => ({
    platform,
    count: scans.filter((call) => call.argv.at(-1)?.endsWith(`@${index.platforms[platform]}`) === true).length,
  }))
  printTable('Scans per image: `trivy image` invocations, from the stand-in argv logs', [
    ['image', 'platforms', 'trivy image calls', 'per platform'],
    ['single-platform', '1', String(singleScans.length), String(singleScans.length)],
    ['index', platforms.join(', '), String(scans.length), perPlatform.map((p) => p.count).join(', ')],
  ])
  const worst = [singleScans.length, ...perPlatform.map((p) => p.count)].find((count) => count !== 1) ?? 1
  target({ name: 'trivy runs per platform', value: worst, limit: 1, exact: true, unit: (v) => `${v}` })
}
