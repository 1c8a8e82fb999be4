// Part 3: vouch end to end with the real Trivy and cosign (warm tool cache, warm DB, key signing, tlog-upload false)
// against the same work done by hand on the same image, one command after another; what verifying adds; how much of
// vouch's time is Trivy's own; and trivy-action's three-formats pattern (table, JSON, SARIF: three scans) against
// vouch's single scan that writes all three. Never a stand-in: a missing tool or DB prints `missing: <what>`.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { realTool } from '../__tests__/e2e/support/real-tools.js'
import { packReleases, RELEASED } from '../__tests__/e2e/support/releases.js'
import { type RunnerDirs } from '../__tests__/harness/run-action.js'
import { startMirror } from '../__tests__/support/mirror.js'
import { startRegistry } from '../__tests__/support/registry.js'
import { adoptCachedAsset } from '../src/tools/cached-asset.js'
import { unpackAsset } from '../src/tools/extract.js'
import { median, missing, ms, note, printTable, ratio, target, times } from './format.js'
import { pushAlpine, VULNERABLE } from '../__tests__/e2e/support/images.js'
import { timeSpawn } from './spawn.js'
import { scratchRunner } from './scratch.js'
import { buildTrivyDb, seedTrivyCache } from './trivy-db.js'
import { timedRun } from './overhead.js'

// The tier's builds of the pinned releases, labelled so that vouch installs them unpinned with their sha256
// (a local build is a different file from the release asset vouch pins, and is rightly refused under that tag).
const TRIVY = RELEASED.trivy.version
const COSIGN = RELEASED.cosign.version
const TARGETS = ['vouch vs by hand', 'three formats vs vouch single run']
const PASSWORD = 'bench-key-password'
// Offline, as the real-tool tier runs Trivy (FACTS.md): the same for vouch's Trivy and the one run by hand.
const TRIVY_ENV = { TRIVY_SKIP_VERSION_CHECK: 'true', TRIVY_DISABLE_TELEMETRY: 'true' }
// Nothing listens here: were Trivy to reach for a DB after all, it would fail at once rather than go online.
const NO_DB_REPOSITORY = '127.0.0.1:9/no-trivy-db:2'

export async function runRealTrivyBench(options: { root: string; runs: number }): Promise<void> {
  let trivy: string
  let cosign: string
  try {
    trivy = realTool('trivy', TRIVY)
    cosign = realTool('cosign', COSIGN)
  } catch (error) {
    for (const name of TARGETS) missing(name, (error as Error).message)
    return
  }
  const work = mkdtempSync(path.join(tmpdir(), 'vouch-bench-real-'))
  try {
    const db = buildTrivyDb()
    if ('missing' in db) {
      for (const name of TARGETS) missing(name, db.missing)
      return
    }
    try {
      await measure({ trivy, cosign, db, work, runs: options.runs })
    } finally {
      rmSync(db.dir, { recursive: true, force: true })
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

interface Setup {
  trivy: string
  cosign: string
  db: { dir: string }
  work: string
  runs: number
}

async function measure(setup: Setup): Promise<void> {
  const { trivy, cosign, work } = setup
  const registry = await startRegistry()
  try {
    const { digest } = await pushAlpine(registry.host, 'bench/real', 'v1', VULNERABLE)
    const image = `${registry.host}/bench/real@${digest}`
    const keys = path.join(work, 'keys')
    mkdirSync(keys)
    execFileSync(cosign, ['generate-key-pair'], {
      cwd: keys,
      env: { ...process.env, COSIGN_PASSWORD: PASSWORD },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const releases = releaseInputs()
    const mirror = await startMirror(releases.assets)
    try {
      const runner = await scratchRunner()
      seedTrivyCache(setup.db, path.join(runner.temp, 'vouch-trivy-cache'))
      const handCache = path.join(work, 'hand-cache')
      seedTrivyCache(setup.db, handCache)
      const inputs: Record<string, string> = {
        image,
        'cosign-key': readFileSync(path.join(keys, 'cosign.key'), 'utf8'),
        'cosign-password': PASSWORD,
        'tlog-upload': 'false',
        // No Actions cache service here; the DB and tools are warm in the runner's folders instead.
        cache: 'false',
        // The image has findings; the budgets let it pass, so that every run signs, attests and verifies.
        'max-critical': '',
        'max-high': '',
        'db-repository': NO_DB_REPOSITORY,
        ...releases.inputs,
        'tools-mirror': mirror.url,
      }
      const hand = new ByHand(trivy, cosign, image, keys, handCache, path.join(work, 'hand'))
      // Warm-up: the tool cache, and Trivy's layer cache in both cache folders.
      await vouch(inputs, runner)
      await hand.pipeline()
      await hand.threeFormats()

      const vouchRuns: { total: number; scan: number; found: string }[] = []
      const reportOnly: number[] = []
      const byHand: Record<string, number>[] = []
      const three: number[] = []
      for (let i = 0; i < setup.runs; i++) {
        byHand.push(await hand.pipeline())
        vouchRuns.push(await vouch(inputs, runner))
        three.push(await hand.threeFormats())
        reportOnly.push((await vouch({ ...inputs, sign: 'false' }, runner)).total)
      }
      const installRuns: number[] = []
      for (let i = 0; i < setup.runs; i++) {
        installRuns.push(await installWorkAlone(releases.files, path.join(work, 'unpack')))
      }
      const install = median(installRuns)
      report({ vouchRuns, reportOnly, byHand, three, install, runs: setup.runs })
    } finally {
      await mirror.close()
    }
  } finally {
    await registry.stop()
  }
}

/** One vouch run: its wall time, and Trivy's share as vouch recorded it (the predicate's scan window). */
async function vouch(
  inputs: Record<string, string>,
  runner: RunnerDirs,
): Promise<{ total: number; scan: number; found: string }> {
  const { milliseconds, run } = await timedRun(inputs, runner, { env: TRIVY_ENV, signs: inputs.sign !== 'false' })
  const predicate = JSON.parse(readFileSync(run.outputs.predicate ?? '', 'utf8')) as {
    metadata: { scanStartedOn: string; scanFinishedOn: string }
  }
  const scan = Date.parse(predicate.metadata.scanFinishedOn) - Date.parse(predicate.metadata.scanStartedOn)
  const found = ['critical', 'high', 'medium', 'low'].map((level) => `${run.outputs[level]} ${level}`).join(', ')
  return { total: milliseconds, scan, found }
}

class ByHand {
  constructor(
    private readonly trivy: string,
    private readonly cosign: string,
    private readonly image: string,
    private readonly keys: string,
    private readonly cacheDir: string,
    private readonly out: string,
  ) {
    mkdirSync(out, { recursive: true })
  }

  private async step(command: string, args: string[]): Promise<number> {
    const env = { ...process.env, ...TRIVY_ENV, COSIGN_PASSWORD: PASSWORD }
    const done = await timeSpawn(command, args, { env, cwd: this.out })
    if (done.exitCode !== 0) {
      throw new Error(`${path.basename(command)} ${args[0]} exited ${done.exitCode}: ${done.stderr.slice(-2000)}`)
    }
    return done.milliseconds
  }

  private scan(format: string): Promise<number> {
    const output = format === 'table' ? [] : ['--output', path.join(this.out, `trivy.${format}`)]
    return this.step(this.trivy, [
      'image',
      '--format',
      format,
      ...output,
      '--scanners',
      'vuln',
      '--cache-dir',
      this.cacheDir,
      '--db-repository',
      NO_DB_REPOSITORY,
      '--insecure',
      this.image,
    ])
  }

  /** The five commands of the issue, one after another, as a workflow's run steps would do them. */
  async pipeline(): Promise<Record<string, number>> {
    const key = path.join(this.keys, 'cosign.key')
    const pub = path.join(this.keys, 'cosign.pub')
    const legacy = ['--new-bundle-format=false', '--use-signing-config=false', '--tlog-upload=false']
    const verifyFlags = ['--key', pub, '--insecure-ignore-tlog=true', '--allow-http-registry']
    const times: Record<string, number> = {}
    times['trivy image --format json'] = await this.scan('json')
    times['cosign sign'] = await this.step(this.cosign, [
      'sign',
      '--yes',
      '--key',
      key,
      ...legacy,
      '--allow-http-registry',
      this.image,
    ])
    times['cosign attest'] = await this.step(this.cosign, [
      'attest',
      '--yes',
      '--key',
      key,
      '--type',
      'vuln',
      '--predicate',
      path.join(this.out, 'trivy.json'),
      ...legacy,
      '--allow-http-registry',
      this.image,
    ])
    times['cosign verify'] = await this.step(this.cosign, ['verify', ...verifyFlags, this.image])
    times['cosign verify-attestation'] = await this.step(this.cosign, [
      'verify-attestation',
      '--type',
      'vuln',
      ...verifyFlags,
      this.image,
    ])
    return times
  }

  async threeFormats(): Promise<number> {
    return (await this.scan('table')) + (await this.scan('json')) + (await this.scan('sarif'))
  }
}

/** The tier's binaries as release assets, packed (once, and cached) by the real-tool tier's own packer. */
function releaseInputs() {
  const { trivy, cosign } = packReleases()
  return {
    files: [trivy.file, cosign.file],
    assets: new Map([trivy, cosign].map((release) => [release.path, readFileSync(release.file)])),
    inputs: {
      'trivy-version': trivy.version,
      'trivy-sha256': trivy.sha256,
      'cosign-version': cosign.version,
      'cosign-sha256': cosign.sha256,
    },
  }
}

/**
 * What vouch does with the two assets on every run, before either tool runs (src/tools/install.ts): copy each out of
 * the tool cache into a fresh folder hashing it as it is written, then unpack it. Measured alone, with vouch's own
 * functions, to say how much of a run it is.
 */
async function installWorkAlone(files: string[], folder: string): Promise<number> {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  const pins = files.map((file) => createHash('sha256').update(readFileSync(file)).digest('hex'))
  const started = performance.now()
  await Promise.all(
    files.map(async (file, index) => {
      const name = path.basename(file)
      const copy = path.join(folder, name)
      const adopted = await adoptCachedAsset(file, copy, pins[index] ?? '')
      if (!adopted.ok) throw new Error(`${file}: ${adopted.reason}`)
      const tool = name.startsWith('trivy') ? 'trivy' : 'cosign'
      const kind = name.endsWith('.tar.gz') ? 'tar.gz' : 'binary'
      await unpackAsset({ tool, version: '', name, url: '', kind, binary: tool }, copy, path.join(folder, tool))
    }),
  )
  return performance.now() - started
}

interface Figures {
  vouchRuns: { total: number; scan: number; found: string }[]
  reportOnly: number[]
  byHand: Record<string, number>[]
  three: number[]
  install: number
  runs: number
}

function report({ vouchRuns, reportOnly, byHand, three, install, runs }: Figures): void {
  const steps = Object.keys(byHand[0] ?? {})
  const step = (name: string): number => median(byHand.map((run) => run[name] ?? 0))
  const handTotal = median(byHand.map((run) => Object.values(run).reduce((a, b) => a + b, 0)))
  const handVerify = step('cosign verify') + step('cosign verify-attestation')
  const vouchTotal = median(vouchRuns.map((run) => run.total))
  const vouchScan = median(vouchRuns.map((run) => run.scan))
  const rows = [
    ['', 'median ms', 'share'],
    ...steps.map((name) => [`by hand: ${name}`, ms(step(name)), ratio(step(name), handTotal)]),
    ['by hand: all five', ms(handTotal), '1.00'],
    ['  of which verification (verify + verify-attestation)', ms(handVerify), ratio(handVerify, handTotal)],
    ['vouch run (sign, attest, verify)', ms(vouchTotal), ratio(vouchTotal, handTotal)],
    ['  of which Trivy (the scan window vouch records)', ms(vouchScan), ratio(vouchScan, vouchTotal)],
    [
      '  re-verified install of both assets, measured alone (copy, sha256, unpack)',
      ms(install),
      ratio(install, vouchTotal),
    ],
    ['vouch run, sign: false (scan, gate, three reports)', ms(median(reportOnly)), ''],
    ['three-formats pattern: trivy image ×3 (table, json, sarif)', ms(median(three)), ''],
  ]
  printTable(`Real Trivy ${TRIVY} and cosign ${COSIGN} (${runs} runs each, interleaved; warm tool cache and DB)`, rows)
  console.log(
    `verification adds ${ms(handVerify)} ms by hand (${ratio(handVerify, handTotal - handVerify)}× of the other three)`,
  )
  console.log(`vouch's gate counted: ${vouchRuns.at(-1)?.found ?? 'nothing'} (budgets unlimited, so that it signs)`)
  console.log(`Trivy's own share of a vouch run: ${((vouchScan / vouchTotal) * 100).toFixed(0)}%`)
  target({ name: 'vouch vs by hand', value: vouchTotal / handTotal, limit: 1.15, unit: times(2) })
  // Fewer is better here, so the line reads as a speed-up: the three scans take this many times vouch's one run.
  const speedup = median(three) / median(reportOnly)
  note(
    `three formats vs vouch single run: ${speedup.toFixed(2)}× (three Trivy runs against one vouch run, sign: false)`,
  )
}
