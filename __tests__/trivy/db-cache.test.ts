import { ReserveCacheError, ValidationError } from '@actions/cache'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  cacheServiceConfigured,
  loadActionsCache,
  type ActionsCacheLike,
  DB_CACHE_PREFIX,
  dbCacheKey,
  restoreDirectory,
  saveDirectory,
  withDbCache,
} from '../../src/cache/actions-cache.js'
import { captureStdout } from './scripted-trivy.js'

const PATHS = ['/runner/temp/vouch/trivy-cache/db', '/runner/temp/vouch/trivy-cache/java-db']
const TODAY = new Date('2026-08-21T17:30:00Z')
const TODAY_KEY = 'vouch-trivy-db-2026-08-21'

/** An in-memory Actions cache that records what it was asked to do, in order. */
function fakeCache(options: { available?: boolean; keys?: string[]; restore?: Error; save?: Error | number } = {}) {
  const events: string[] = []
  const keys = [...(options.keys ?? [])]
  const cache: ActionsCacheLike = {
    isFeatureAvailable: () => options.available ?? true,
    restoreCache: async (paths, key, restoreKeys = []) => {
      events.push(`restore ${key} [${restoreKeys.join(',')}] ${paths.join(',')}`)
      if (options.restore !== undefined) throw options.restore
      if (keys.includes(key)) return key
      // Like the service: the newest entry whose key starts with a restore key.
      return keys
        .filter((entry) => restoreKeys.some((prefix) => entry.startsWith(prefix)))
        .sort()
        .pop()
    },
    saveCache: async (paths, key) => {
      events.push(`save ${key} ${paths.join(',')}`)
      if (options.save instanceof Error) throw options.save
      return options.save ?? 42
    },
  }
  return { cache, events }
}

let stdout: ReturnType<typeof captureStdout>
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => {
  stdout.restore()
  vi.unstubAllEnvs()
})
const debugLines = () => stdout.lines().filter((line) => line.startsWith('::debug::'))

describe('dbCacheKey', () => {
  test.each([
    ['2026-08-21T00:00:00Z', 'vouch-trivy-db-2026-08-21'],
    ['2026-08-21T23:59:59.999Z', 'vouch-trivy-db-2026-08-21'],
    ['2026-08-21T23:30:00-05:00', 'vouch-trivy-db-2026-08-22'],
  ])('at %s the key is %s (UTC day)', (when, key) => {
    expect(dbCacheKey(new Date(when))).toBe(key)
  })

  test('every key starts with the restore prefix', () => {
    expect(dbCacheKey(TODAY).startsWith(DB_CACHE_PREFIX)).toBe(true)
    expect(DB_CACHE_PREFIX).toBe('vouch-trivy-db-')
  })
})

describe('withDbCache', () => {
  test('restores by today’s key or any earlier day’s, runs the scan, then saves today’s key', async () => {
    const { cache, events } = fakeCache()
    const value = await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => {
      events.push('scan')
      return 'report'
    })
    expect(value).toBe('report')
    expect(events).toEqual([
      `restore ${TODAY_KEY} [vouch-trivy-db-] ${PATHS.join(',')}`,
      'scan',
      `save ${TODAY_KEY} ${PATHS.join(',')}`,
    ])
  })

  test('an earlier day’s DB is restored, and today’s is saved under today’s key', async () => {
    const { cache, events } = fakeCache({ keys: ['vouch-trivy-db-2026-08-19', 'vouch-trivy-db-2026-08-20'] })
    await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => undefined)
    expect(events.at(-1)).toBe(`save ${TODAY_KEY} ${PATHS.join(',')}`)
    expect(debugLines()).toContain('::debug::Restored cache entry vouch-trivy-db-2026-08-20')
  })

  test('nothing is saved when today’s exact key was restored: a key is written once', async () => {
    const { cache, events } = fakeCache({ keys: [TODAY_KEY] })
    await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => undefined)
    expect(events.filter((event) => event.startsWith('save'))).toEqual([])
  })

  test('the DB is saved even when the scan throws, and the error still reaches the caller', async () => {
    const { cache, events } = fakeCache()
    const failure = new Error('Trivy failed scanning the image (exit code 2)')
    await expect(
      withDbCache({ paths: PATHS, now: TODAY, cache }, async () => {
        events.push('scan')
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(events.slice(1)).toEqual(['scan', `save ${TODAY_KEY} ${PATHS.join(',')}`])
  })

  test('the DB is saved when the gate later fails: a failing verdict is a result, not a reason to skip', async () => {
    const { cache, events } = fakeCache()
    const outcome = await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => ({ verdict: 'failed' }))
    expect(outcome).toEqual({ verdict: 'failed' })
    expect(events.at(-1)).toBe(`save ${TODAY_KEY} ${PATHS.join(',')}`)
  })

  test('a DB the caller finds not worth saving (say, no readable metadata.json) is not saved', async () => {
    const { cache, events } = fakeCache()
    await withDbCache({ paths: PATHS, now: TODAY, cache, worthSaving: async () => false }, async () => undefined)
    expect(events.filter((event) => event.startsWith('save'))).toEqual([])
  })

  test('without a cache service nothing is restored or saved, and the scan still runs', async () => {
    const { cache, events } = fakeCache({ available: false })
    const value = await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => 'scanned')
    expect(value).toBe('scanned')
    expect(events).toEqual([])
    expect(debugLines().some((line) => line.includes('not available'))).toBe(true)
  })

  test('a failing restore is a debug line; the scan runs and the DB is saved', async () => {
    const { cache, events } = fakeCache({ restore: new Error('Cache service responded with 503') })
    await withDbCache({ paths: PATHS, now: TODAY, cache }, async () => undefined)
    expect(events.at(-1)).toBe(`save ${TODAY_KEY} ${PATHS.join(',')}`)
    expect(debugLines()).toContain(
      `::debug::Could not restore cache entry ${TODAY_KEY}: Cache service responded with 503`,
    )
  })

  test('a key saved meanwhile by a parallel job (ReserveCacheError) is a debug line, not a failure', async () => {
    const reserved = new ReserveCacheError(
      `Unable to reserve cache with key ${TODAY_KEY}, another job may be creating this cache.`,
    )
    const { cache } = fakeCache({ save: reserved })
    await expect(withDbCache({ paths: PATHS, now: TODAY, cache }, async () => 'ok')).resolves.toBe('ok')
    expect(debugLines().some((line) => line.includes('another job may be creating this cache'))).toBe(true)
  })
})

describe('restoreDirectory and saveDirectory', () => {
  test('return what was restored and whether it was saved', async () => {
    const { cache } = fakeCache({ keys: ['tools-trivy-0.74.0'] })
    await expect(restoreDirectory(['/t'], 'tools-trivy-0.74.0', [], cache)).resolves.toBe('tools-trivy-0.74.0')
    await expect(restoreDirectory(['/t'], 'tools-cosign-3.0.6', [], cache)).resolves.toBeUndefined()
    await expect(saveDirectory(['/t'], 'tools-cosign-3.0.6', cache)).resolves.toBe(true)
  })

  test.each<[string, Error | number]>([
    [
      'a missing path',
      new ValidationError(
        'Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.',
      ),
    ],
    ['a save the service turned down', -1],
  ])('%s is not saved, and not a failure', async (_case, save) => {
    const { cache } = fakeCache({ save })
    await expect(saveDirectory(PATHS, TODAY_KEY, cache)).resolves.toBe(false)
  })

  test('the real @actions/cache, loaded lazily, without a cache service: no restore, no save, no failure', async () => {
    vi.stubEnv('ACTIONS_CACHE_URL', '')
    vi.stubEnv('ACTIONS_RESULTS_URL', '')
    vi.stubEnv('ACTIONS_CACHE_SERVICE_V2', '')
    await expect(restoreDirectory(PATHS, TODAY_KEY, [DB_CACHE_PREFIX])).resolves.toBeUndefined()
    await expect(saveDirectory(PATHS, TODAY_KEY)).resolves.toBe(false)
    expect(debugLines().filter((line) => line.includes('no Actions cache service here'))).toHaveLength(2)
  })

  test('without a cache service @actions/cache is not even loaded; with one it is', async () => {
    await expect(loadActionsCache({})).resolves.toBeUndefined()
    await expect(loadActionsCache({ ACTIONS_CACHE_URL: '', ACTIONS_RESULTS_URL: '' })).resolves.toBeUndefined()
    const loaded = await loadActionsCache({ ACTIONS_CACHE_URL: 'http://127.0.0.1:9/' })
    expect(typeof loaded?.restoreCache).toBe('function')
  })

  // The skipped import is only safe while vouch's rule says "no service" wherever @actions/cache's would.
  test.each<[Record<string, string>, boolean, boolean]>([
    [{}, false, false],
    [{ ACTIONS_CACHE_SERVICE_V2: 'true' }, false, false],
    [{ ACTIONS_CACHE_URL: 'http://127.0.0.1:9/' }, true, true],
    [{ ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' }, true, false],
    [{ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'http://127.0.0.1:9/' }, true, false],
    [{ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' }, true, true],
  ])('%j: configured %s, and the real isFeatureAvailable %s', async (env, configured, available) => {
    for (const name of ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2']) {
      vi.stubEnv(name, env[name] ?? '')
    }
    const real = await import('@actions/cache')
    expect(cacheServiceConfigured(env)).toBe(configured)
    expect(real.isFeatureAvailable()).toBe(available)
  })
})
