// Part 4: a cold install of both tools from the loopback mirror throttled to a fixed bandwidth per connection,
// against the slower of the two downloads alone; then a warm install, which must make no request at all.
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Mirror } from '../__tests__/support/mirror.js'
import { pushImage } from '../__tests__/support/push.js'
import { startRegistry } from '../__tests__/support/registry.js'
import { MB, mb, ms, printTable, ratio, target, times } from './format.js'
import { signingInputs, timedRun } from './overhead.js'
import { scratchRunner } from './scratch.js'
import { withStandIns, type StandIns } from './stand-ins.js'

export interface InstallBenchOptions {
  report: string
  bytesPerSecond: number
  padBytes: { trivy: number; cosign: number }
}

export async function runInstallBench(options: InstallBenchOptions): Promise<void> {
  const registry = await startRegistry()
  try {
    const image = await pushImage(registry.host, 'bench/install', 'v1')
    const repository = `${registry.host}/bench/install`
    const standInOptions = {
      report: options.report,
      repository,
      digest: image.digest,
      padBytes: options.padBytes,
      bytesPerSecond: options.bytesPerSecond,
    }
    await withStandIns(standInOptions, async (tools, mirror) => {
      // One after the other: each alone on the link, as the slower of them is the floor of the parallel install.
      const singles: { name: string; bytes: number; milliseconds: number }[] = []
      for (const [assetPath, bytes] of tools.assets) {
        singles.push({
          name: path.basename(assetPath),
          bytes: bytes.length,
          milliseconds: await download(mirror, assetPath),
        })
      }
      const inputs = {
        image: `${repository}:v1`,
        digest: image.digest,
        ...signingInputs(tools, mirror.url),
        cache: 'false',
      }
      const runner = await scratchRunner()
      const before = mirror.requests.length
      const coldStarted = Date.now()
      const cold = await timedRun(inputs, runner)
      const coldRequests = mirror.requests.slice(before)
      const install = installWindow(coldRequests, tools, coldStarted)
      const warmBefore = mirror.requests.length
      tools.reset()
      const warm = await timedRun(inputs, runner)
      const warmRequests = mirror.requests.length - warmBefore

      const slower = Math.max(...singles.map((single) => single.milliseconds))
      const rows = [
        ['', 'bytes (MB)', 'ms', 'ratio to slower download'],
        ...singles.map((single) => [`download alone: ${single.name}`, mb(single.bytes), ms(single.milliseconds), '']),
        ['cold install of both (first request to both version checks)', '', ms(install), ratio(install, slower)],
        ['cold run, whole step', '', ms(cold.milliseconds), ''],
        [`warm run, whole step (${warmRequests} mirror requests)`, '', ms(warm.milliseconds), ''],
      ]
      printTable(`Install: loopback mirror at ${mb(options.bytesPerSecond)} MB/s per connection`, rows)
      target({ name: 'cold install vs slower single download', value: install / slower, limit: 1.2, unit: times(2) })
      target({ name: 'warm install requests', value: warmRequests, limit: 0, exact: true, unit: (v) => `${v}` })
    })
  } finally {
    await registry.stop()
  }
}

async function download(mirror: Mirror, assetPath: string): Promise<number> {
  const started = performance.now()
  const response = await fetch(`${mirror.url}${assetPath}`)
  const body = Buffer.from(await response.arrayBuffer())
  if (!response.ok || body.length === 0) throw new Error(`the mirror answered ${response.status} for ${assetPath}`)
  return performance.now() - started
}

/** From the first asset request to the later of the two version checks that end the install step. */
function installWindow(requests: Mirror['requests'], tools: StandIns, since: number): number {
  const first = Math.min(...requests.map((request) => request.start))
  const checks = tools
    .invocations()
    .filter((call) => call.at >= since && (call.argv[0] === '--version' || call.argv[0] === 'version'))
  if (requests.length === 0 || checks.length < 2) throw new Error('the cold run made no download or version check')
  return Math.max(...checks.map((call) => call.at)) - first
}

export const INSTALL_DEFAULTS: Omit<InstallBenchOptions, 'report'> = {
  bytesPerSecond: 8 * MB,
  // The real assets are about 1 : 2 (Trivy's archive, cosign's bare binary); these take 0.5 s and 1 s.
  padBytes: { trivy: 4 * MB, cosign: 8 * MB },
}
