// The Actions cache path of the installer, with an in-memory-like fake of @actions/cache: restore, verify, refuse
// tampered entries, and never fail a run because the cache service is missing or broken.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import type { ActionsCacheLike } from '../../src/tools/actions-cache.js'
import { runnerPlatform } from '../../src/tools/assets.js'
import { installTool, installTools, type InstallOptions } from '../../src/tools/install.js'
import { startMirror, type Mirror } from '../support/mirror.js'
import { toolFixture } from '../support/tools.js'
import { useRunnerDirs, useToolCache } from './installer-env.js'

const platform = runnerPlatform()
const fixture = toolFixture({ platform })
const trivyRequest = { version: fixture.inputs['trivy-version'], sha256: fixture.inputs['trivy-sha256'] }
const cosignRequest = { version: fixture.inputs['cosign-version'], sha256: fixture.inputs['cosign-sha256'] }
const KEY = `vouch-trivy-v0.74.99-${platform.os}-${platform.arch}-${fixture.trivy.sha256}`

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

const options = (): InstallOptions => ({
  mirror: mirror.url,
  cache: true,
  platform,
  actionsCache: cache,
  retry: { attempts: 1, baseDelayMs: 1 },
})
/** A new runner: empty tool cache, same Actions cache. */
const freshRunner = (): void => useToolCache(join(dirs().root, `toolcache-${Math.random().toString(36).slice(2)}`))

describe('installTool with the Actions cache', () => {
  test('a fresh install is saved under the key of the exact verified asset', async () => {
    const installed = await installTool('trivy', trivyRequest, options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls).toContain(`save ${KEY}`)
    const record = JSON.parse(readFileSync(join(store, KEY, '.vouch-verified.json'), 'utf8'))
    expect(record).toMatchObject({
      tool: 'trivy',
      version: 'v0.74.99',
      assetSha256: fixture.trivy.sha256,
      binary: 'trivy',
    })
  })

  test('a new runner restores it with zero mirror requests, re-verified, and puts it in the tool cache', async () => {
    await installTool('trivy', trivyRequest, options())
    freshRunner()
    const requests = mirror.requests.length
    const restored = await installTool('trivy', trivyRequest, options())
    expect(restored.fromCache).toBe('actions-cache')
    expect(mirror.requests.length).toBe(requests)
    expect(restored.path.startsWith(process.env['RUNNER_TOOL_CACHE']!)).toBe(true)
    expect((await installTool('trivy', trivyRequest, options())).fromCache).toBe('tool-cache')
  })

  test('a tampered Actions cache entry is not used: the tool is downloaded again', async () => {
    await installTool('trivy', trivyRequest, options())
    writeFileSync(join(store, KEY, 'trivy'), '#!/bin/sh\necho pwned\n')
    freshRunner()
    const requests = mirror.requests.length
    const installed = await installTool('trivy', trivyRequest, options())
    expect(installed.fromCache).toBe(false)
    expect(mirror.requests.length).toBe(requests + 1)
    expect(readFileSync(installed.path, 'utf8')).not.toContain('pwned')
  })

  test('an entry whose record names another asset hash is not used', async () => {
    await installTool('trivy', trivyRequest, options())
    const recordPath = join(store, KEY, '.vouch-verified.json')
    writeFileSync(
      recordPath,
      JSON.stringify({ ...JSON.parse(readFileSync(recordPath, 'utf8')), assetSha256: '0'.repeat(64) }),
    )
    freshRunner()
    expect((await installTool('trivy', trivyRequest, options())).fromCache).toBe(false)
  })

  test('no cache service: nothing is restored or saved, and the install works', async () => {
    cache.available = false
    const installed = await installTool('trivy', trivyRequest, options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls.filter((call) => call !== 'isFeatureAvailable')).toEqual([])
  })

  test('a failing cache service costs a download, never the run', async () => {
    cache.failWith = new Error('Cache service responded with 503')
    const installed = await installTool('trivy', trivyRequest, options())
    expect(installed.fromCache).toBe(false)
    expect(cache.calls).toEqual(expect.arrayContaining([`restore ${KEY}`, `save ${KEY}`]))
  })

  test('cache: false never touches the Actions cache', async () => {
    await installTool('trivy', trivyRequest, { ...options(), cache: false })
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
