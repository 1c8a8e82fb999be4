// The Actions cache path of the installer, with a directory-backed fake of @actions/cache: the entry holds only the
// release asset, which is hashed again on restore; tampered entries never run; a missing or broken service never
// fails a run.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { exec } from '../../src/exec.js'
import type { ActionsCacheLike } from '../../src/cache/actions-cache.js'
import { runnerPlatform } from '../../src/tools/assets.js'
import { installTool, installTools, type InstallOptions } from '../../src/tools/install.js'
import { planTool, type PlannedTool } from '../../src/tools/plan.js'
import { startMirror, type Mirror } from '../support/mirror.js'
import { toolFixture } from '../support/tools.js'
import { useRunnerDirs, useStdout, useToolCache } from './installer-env.js'
import { plantForgedInstall, poisonedTrivyArchive } from './poison.js'

const platform = runnerPlatform()
const fixture = toolFixture({ platform })
const trivyRequest = { version: fixture.inputs['trivy-version'], sha256: fixture.inputs['trivy-sha256'] }
const cosignRequest = { version: fixture.inputs['cosign-version'], sha256: fixture.inputs['cosign-sha256'] }
const KEY = `vouch-trivy-asset-v0.74.99-${platform.os}-${platform.arch}-${fixture.trivy.sha256}`

/** A stand-in for @actions/cache that keeps entries as directory copies under `store`. */
class FakeActionsCache implements ActionsCacheLike {
  readonly calls: string[] = []
  available = true
  failWith: Error | undefined
  constructor(readonly store: string) {}
  isFeatureAvailable(): boolean {
    this.calls.push('isFeatureAvailable')
    return this.available
  }
  async restoreCache(paths: string[], key: string): Promise<string | undefined> {
    this.calls.push(`restore ${key}`)
    if (this.failWith) throw this.failWith
    if (!existsSync(join(this.store, key))) return undefined
    cpSync(join(this.store, key), paths[0]!, { recursive: true })
    return key
  }
  async saveCache(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`)
    if (this.failWith) throw this.failWith
    cpSync(paths[0]!, join(this.store, key), { recursive: true })
    return 1
  }
}

let mirror: Mirror
let cache: FakeActionsCache
const dirs = useRunnerDirs()
const stdout = useStdout()
const store = mkdtempSync(join(tmpdir(), 'vouch-actions-cache-'))
beforeAll(async () => {
  mirror = await startMirror(fixture.assets)
})
beforeEach(() => {
  rmSync(store, { recursive: true, force: true })
  cache = new FakeActionsCache(store)
  mirror.requests.length = 0
})
afterAll(async () => {
  await mirror.close()
  rmSync(store, { recursive: true, force: true })
})

/** Trivy's plan: its asset on the mirror and the fixture's sha256. */
const trivyPlan = (): PlannedTool => planTool('trivy', trivyRequest, platform, mirror.url)
const options = (): InstallOptions => ({
  cache: true,
  actionsCache: cache,
  retry: { attempts: 1, baseDelayMs: 1 },
})
/** A new runner: empty tool cache, same Actions cache. */
const freshRunner = (): void => useToolCache(join(dirs().root, `toolcache-${Math.random().toString(36).slice(2)}`))

describe('installTool with the Actions cache', () => {
  test('a fresh install saves the verified asset itself under the key of its exact sha256', async () => {
    const installed = await installTool(trivyPlan(), options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls).toContain(`save ${KEY}`)
    expect(readdirSync(join(store, KEY))).toEqual([fixture.trivy.name])
    expect(readFileSync(join(store, KEY, fixture.trivy.name))).toEqual(fixture.trivy.bytes)
    // The fixed restore/save path is emptied again: nothing is left in RUNNER_TEMP but the run's own directory.
    expect(existsSync(join(dirs().temp, 'vouch-tools', `trivy-v0.74.99-${platform.os}-${platform.arch}`))).toBe(false)
  })

  test('a new runner restores it with zero mirror requests, re-hashed, and keeps the asset in its tool cache', async () => {
    await installTool(trivyPlan(), options())
    freshRunner()
    const requests = mirror.requests.length
    const restored = await installTool(trivyPlan(), options())
    expect(restored.fromCache).toBe('actions-cache')
    expect(mirror.requests.length).toBe(requests)
    expect(stdout.lines()).toContain(
      'trivy v0.74.99: restored from the Actions cache; asset sha256 re-verified against the `trivy-sha256` hash',
    )
    expect(restored.path.startsWith(`${dirs().temp}/`)).toBe(true)
    expect((await installTool(trivyPlan(), options())).fromCache).toBe('tool-cache')
    expect(stdout.warnings()).toEqual([])
  })

  test.each([
    ['its asset replaced by a forged archive', 'replaced', true],
    ['one byte of its asset changed', 'flipped', true],
    ['a forged executable and record and no asset (the older layout)', 'absent', false],
    ['a forged executable and record beside a forged asset', 'forged-all', true],
  ] as const)('an Actions cache entry with %s never runs: downloaded again', async (_, how, warned) => {
    await installTool(trivyPlan(), options())
    const dir = join(store, KEY)
    const asset = join(dir, fixture.trivy.name)
    const marker = join(dirs().root, 'forged-tool-ran')
    if (how === 'replaced' || how === 'forged-all') writeFileSync(asset, poisonedTrivyArchive(marker, 'v0.74.99'))
    if (how === 'flipped')
      writeFileSync(asset, Buffer.from(fixture.trivy.bytes.map((byte, at) => (at === 0 ? byte ^ 1 : byte))))
    if (how === 'absent') rmSync(asset)
    if (how === 'absent' || how === 'forged-all') {
      plantForgedInstall(dir, { ...fixture.trivy, tool: 'trivy', version: 'v0.74.99', binary: 'trivy' }, marker)
    }
    freshRunner()
    const requests = mirror.requests.length
    const installed = await installTool(trivyPlan(), options())
    await exec(installed.path, ['--version'])
    expect(existsSync(marker)).toBe(false)
    expect(installed.fromCache).toBe(false)
    expect(mirror.requests.length).toBe(requests + 1)
    const warning = new RegExp(`^::warning::trivy v0.74.99: not using the Actions cache entry ${KEY}: it has sha256 `)
    expect(stdout.warnings()).toEqual(warned ? [expect.stringMatching(warning)] : [])
  })

  test('no cache service: nothing is restored or saved, and the install works', async () => {
    cache.available = false
    const installed = await installTool(trivyPlan(), options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls.filter((call) => call !== 'isFeatureAvailable')).toEqual([])
  })

  test('a failing cache service costs a download, never the run', async () => {
    cache.failWith = new Error('Cache service responded with 503')
    const installed = await installTool(trivyPlan(), options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls).toEqual(expect.arrayContaining([`restore ${KEY}`, `save ${KEY}`]))
  })

  test('cache: false never touches the Actions cache', async () => {
    await installTool(trivyPlan(), { ...options(), cache: false })
    expect(cache.calls).toEqual([])
  })
})

describe('installTools with the real @actions/cache', () => {
  test('loads it lazily; without a cache service (as here) both tools still install', async () => {
    const installed = await installTools(
      { trivy: trivyRequest, cosign: cosignRequest, toolsMirror: mirror.url, cache: true },
      { platform, retry: { attempts: 1, baseDelayMs: 1 } },
    )
    expect(installed.trivy.fromCache).toBe(false)
    expect(installed.cosign?.fromCache).toBe(false)
    expect(existsSync(installed.cosign!.path)).toBe(true)
  })
})
