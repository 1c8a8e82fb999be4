// The verified tool install through the bundled action: a good archive is kept in the runner's tool cache and runs
// from a copy unpacked under RUNNER_TEMP; a warm cache needs no mirror; a poisoned cache entry (forged asset,
// executable or `.vouch-verified.json` record) never runs; downloads overlap; pins cannot be bypassed.
// Sequential: several tests count every mirror request, and some set faults on the world's default assets.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { pinnedSha256, pinnedVersions } from '../../src/tools/checksums.js'
import { fakeExecutable } from '../support/tools.js'
import { executablesUnder } from '../tools/installer-env.js'
import { plantForgedInstall, poisonedTrivyArchive } from '../tools/poison.js'
import { commands, runScenario, type ScenarioRun, worldWithImage } from './world.js'
import { executables, expectFailedClosed, platform, requestsTo, serveTrivy } from './tools-world.js'

const scene = worldWithImage('team/app', '1.0')
const image = scene.image

const trivyPath = () => scene.world.tools.trivy.path
const cosignPath = () => scene.world.tools.cosign.path
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** The path the install stage printed for a tool: `trivy v0.74.99: /…/trivy (sha256 …)`. */
function installedPath(run: ScenarioRun, tool: 'trivy' | 'cosign'): string {
  const match = new RegExp(`^${tool} v[\\d.]+: (/\\S+) \\(sha256 [0-9a-f]{64}\\)$`, 'm').exec(run.stdout)
  if (match?.[1] === undefined) throw new Error(`no install line for ${tool} in:\n${run.stdout}`)
  return match[1]
}

/** The tool-cache entry that keeps the stand-in Trivy's asset. */
function trivyEntry(run: ScenarioRun): string {
  const arch = `${platform.os}-${platform.arch}-${scene.world.tools.trivy.sha256}`
  return path.join(run.runner.toolCache, 'trivy', '0.74.99', arch)
}

/** New mirror requests made while `body` ran. */
async function counting<T>(body: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const before = scene.world.mirror.requests.length
  const result = await body()
  return { result, requests: scene.world.mirror.requests.length - before }
}

describe('a good archive', () => {
  test('keeps the asset in the tool cache, runs it unpacked under RUNNER_TEMP, checks identity, scans and signs', async () => {
    const run = await runScenario(scene.world, image())
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      'scan-status': 'passed',
      signed: 'true',
      'trivy-version': scene.world.tools.inputs['trivy-version'],
      'cosign-version': scene.world.tools.inputs['cosign-version'],
    })
    const calls = commands(run)
    expect(calls.indexOf('trivy --version')).toBeGreaterThanOrEqual(0)
    expect(calls.indexOf('trivy --version')).toBeLessThan(calls.indexOf('trivy image'))
    expect(calls.indexOf('cosign version')).toBeGreaterThanOrEqual(0)
    expect(calls.indexOf('cosign version')).toBeLessThan(calls.indexOf('cosign sign'))

    const { toolCache, temp } = run.runner
    const trivy = installedPath(run, 'trivy')
    const cosign = installedPath(run, 'cosign')
    expect(trivy).toMatch(new RegExp(`^${temp}/vouch-trivy-\\w+/bin/trivy$`))
    expect(cosign).toMatch(new RegExp(`^${temp}/vouch-cosign-\\w+/bin/cosign$`))
    expect(readFileSync(trivy, 'utf8')).toBe(fakeExecutable('trivy', 'v0.74.99'))
    expect(sha256(cosign)).toBe(scene.world.tools.cosign.sha256)
    // The tool cache keeps the verified release assets, not executables; the two tools that ran are the only ones.
    expect(readdirSync(trivyEntry(run))).toEqual([scene.world.tools.trivy.name])
    expect(sha256(path.join(trivyEntry(run), scene.world.tools.trivy.name))).toBe(scene.world.tools.trivy.sha256)
    expect(executablesUnder(toolCache)).toEqual([])
    expect(executables(run).sort()).toEqual([cosign, trivy].sort())
  })

  test('sign: false installs Trivy only: cosign is never requested from the mirror', async () => {
    const before = scene.world.mirror.requests.length
    const run = await runScenario(scene.world, image(), { inputs: { sign: 'false' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', 'cosign-version': '' })
    const requested = scene.world.mirror.requests.slice(before).map((request) => request.path)
    expect(requested).toEqual([trivyPath()])
    expect(commands(run)).toEqual(['trivy --version', 'trivy image'])
  })

  test('cache: true without an Actions cache service still passes, with no warning about the cache', async () => {
    const run = await runScenario(scene.world, image(), { inputs: { cache: 'true' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs['scan-status']).toBe('passed')
    expect(run.warnings.filter((warning) => /cache/i.test(warning))).toEqual([])
    expect(run.stdout).toContain(
      '::debug::no Actions cache service here (neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL)',
    )
  })
})

describe('the runner tool cache', () => {
  test('a second run on the same runner makes zero mirror requests, re-hashes each asset, and still scans', async () => {
    const first = await runScenario(scene.world, image())
    expect(first.exitCode, first.stdout).toBe(0)
    const { result: second, requests } = await counting(() =>
      runScenario(scene.world, image(), { runner: first.runner }),
    )
    expect(requests).toBe(0)
    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'true' })
    for (const tool of ['trivy', 'cosign']) {
      expect(second.stdout).toContain(
        `${tool} v${tool === 'trivy' ? '0.74.99' : '3.0.99'}: found in the runner tool cache; ` +
          `asset sha256 re-verified against the \`${tool}-sha256\` hash`,
      )
    }
    expect(installedPath(second, 'trivy')).not.toBe(installedPath(first, 'trivy'))
    expect(commands(second)).toEqual(expect.arrayContaining(['trivy --version', 'trivy image', 'cosign sign']))
  })

  test('a forged trivy, a forged record and a forged asset in the tool cache never run: downloaded again', async () => {
    const first = await runScenario(scene.world, image(), { inputs: { sign: 'false' } })
    expect(first.exitCode, first.stdout).toBe(0)
    const entry = trivyEntry(first)
    const marker = path.join(first.runner.root, 'poisoned-trivy-ran')
    // Everything a writer of the tool cache can do: the asset, an executable beside it, and a record vouching for it.
    writeFileSync(path.join(entry, scene.world.tools.trivy.name), poisonedTrivyArchive(marker, 'v0.74.99'))
    plantForgedInstall(
      entry,
      { ...scene.world.tools.trivy, tool: 'trivy', version: 'v0.74.99', binary: 'trivy' },
      marker,
    )

    const before = requestsTo(scene.world, trivyPath()).length
    const second = await runScenario(scene.world, image(), { runner: first.runner, inputs: { sign: 'false' } })
    expect(existsSync(marker)).toBe(false)
    expect(second.warnings.join('\n')).toMatch(
      new RegExp(
        `trivy v0\\.74\\.99: not using the tool cache entry ${entry}: it has sha256 [0-9a-f]{64}, ` +
          `but the \`trivy-sha256\` sha256 is ${scene.world.tools.trivy.sha256}`,
      ),
    )
    expect(requestsTo(scene.world, trivyPath())).toHaveLength(before + 1)
    expect(second.exitCode, second.stdout).toBe(0)
    expect(commands(second)).toEqual(['trivy --version', 'trivy image'])
    expect(installedPath(second, 'trivy').startsWith(entry)).toBe(false)
    // The entry now holds the genuine asset again, and nothing in the tool cache is executable.
    expect(readdirSync(entry)).toEqual([scene.world.tools.trivy.name])
    expect(sha256(path.join(entry, scene.world.tools.trivy.name))).toBe(scene.world.tools.trivy.sha256)
    expect(executablesUnder(second.runner.toolCache)).toEqual([])
  })

  test('a forged trivy and record beside the genuine asset are ignored: zero downloads, the real tool runs', async () => {
    const first = await runScenario(scene.world, image(), { inputs: { sign: 'false' } })
    expect(first.exitCode, first.stdout).toBe(0)
    const entry = trivyEntry(first)
    const marker = path.join(first.runner.root, 'forged-trivy-ran')
    plantForgedInstall(
      entry,
      { ...scene.world.tools.trivy, tool: 'trivy', version: 'v0.74.99', binary: 'trivy' },
      marker,
    )

    const { result: second, requests } = await counting(() =>
      runScenario(scene.world, image(), { runner: first.runner, inputs: { sign: 'false' } }),
    )
    expect(existsSync(marker)).toBe(false)
    expect(requests).toBe(0)
    expect(second.exitCode, second.stdout).toBe(0)
    expect(second.warnings).toEqual([])
    expect(commands(second)).toEqual(['trivy --version', 'trivy image'])
    expect(readFileSync(installedPath(second, 'trivy'), 'utf8')).toBe(fakeExecutable('trivy', 'v0.74.99'))
  })
})

test('Trivy and cosign are downloaded at the same time', async () => {
  scene.world.mirror.setFault(trivyPath(), 'slow')
  scene.world.mirror.setFault(cosignPath(), 'slow')
  try {
    const before = scene.world.mirror.requests.length
    const run = await runScenario(scene.world, image())
    expect(run.exitCode, run.stdout).toBe(0)
    const recent = scene.world.mirror.requests.slice(before)
    const trivy = recent.find((request) => request.path === trivyPath())
    const cosign = recent.find((request) => request.path === cosignPath())
    expect(trivy?.status).toBe(200)
    expect(cosign?.status).toBe(200)
    // Both in flight at once: each started before the other ended.
    expect(trivy!.start).toBeLessThan(cosign!.end)
    expect(cosign!.start).toBeLessThan(trivy!.end)
  } finally {
    scene.world.mirror.setFault(trivyPath(), undefined)
    scene.world.mirror.setFault(cosignPath(), undefined)
  }
})

describe('pins', () => {
  test('a pinned version served a stand-in by the mirror (a malicious release) fails on the pin', async () => {
    const trivy = serveTrivy(scene.world, 'v0.74.0')
    const pin = pinnedSha256('trivy', 'v0.74.0', platform)
    const run = await runScenario(scene.world, image(), {
      inputs: { sign: 'false', 'trivy-version': 'v0.74.0', 'trivy-sha256': '' },
    })
    expectFailedClosed(
      run,
      `${trivy.name} from ${trivy.url} has sha256 ${trivy.sha256}, but the pinned sha256 is ${pin}`,
    )
    expect(requestsTo(scene.world, trivy.path)).toHaveLength(1)
    expect(executables(run)).toEqual([])
  })

  test('an unpinned version without trivy-sha256 is an input error before any download, cosign included', async () => {
    const { result: run, requests } = await counting(() =>
      runScenario(scene.world, image(), { inputs: { 'trivy-version': 'v0.74.98', 'trivy-sha256': '' } }),
    )
    expectFailedClosed(run, `\`trivy-sha256\` is required for trivy v0.74.98, which has no pinned hash`)
    expect(run.errors.join('\n')).toContain(`pinned versions: ${pinnedVersions('trivy').join(', ')}`)
    expect(requests).toBe(0)
    expect(executables(run)).toEqual([])
  })
})
