// The one adapter over the Actions cache, for the Trivy DB and for verified tool assets: a thin, never-failing layer
// where a missing cache service or a failed save costs a download next time, never the run. @actions/cache is
// loaded only when a run uses the cache (it is large).
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'

/** The part of @actions/cache vouch uses, so tests can hand in a fake. */
export interface ActionsCacheLike {
  isFeatureAvailable(): boolean
  restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

export const DB_CACHE_PREFIX = 'vouch-trivy-db-'

/** One key per UTC day: the first job of the day saves the DB, the rest of the day's jobs restore it. */
export function dbCacheKey(now: Date): string {
  return `${DB_CACHE_PREFIX}${now.toISOString().slice(0, 10)}`
}

/**
 * Whether the runner has a cache service at all. The same rule as `isFeatureAvailable` in `@actions/cache` 6.3.0
 * `lib/cache.js` (v2 needs `ACTIONS_RESULTS_URL`, v1 `ACTIONS_CACHE_URL`): when neither is set it would answer false
 * whatever the version, so the package (about 36 ms to load) need not be imported to hear it.
 */
export function cacheServiceConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['ACTIONS_CACHE_URL']) || Boolean(env['ACTIONS_RESULTS_URL'])
}

/**
 * `@actions/cache`, imported only when a run uses it and the runner has a cache service, or undefined when there is
 * none or it cannot be loaded.
 */
export async function loadActionsCache(env: NodeJS.ProcessEnv = process.env): Promise<ActionsCacheLike | undefined> {
  if (!cacheServiceConfigured(env)) {
    core.debug(
      'no Actions cache service here (neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL); nothing restored or saved',
    )
    return undefined
  }
  try {
    return await import('@actions/cache')
  } catch (error) {
    core.debug(`@actions/cache could not be loaded: ${errorMessage(error)}`)
    return undefined
  }
}

async function available(cache: ActionsCacheLike | undefined): Promise<ActionsCacheLike | undefined> {
  const service = cache ?? (await loadActionsCache())
  if (service === undefined) return undefined
  try {
    if (service.isFeatureAvailable()) return service
  } catch (error) {
    core.debug(`the Actions cache service could not be checked: ${errorMessage(error)}`)
    return undefined
  }
  core.debug('the Actions cache service is not available here; nothing restored or saved')
  return undefined
}

/** The key that was restored (the exact key or one starting with a restore key), or undefined. */
export async function restoreDirectory(
  paths: string[],
  key: string,
  restoreKeys: string[],
  cache?: ActionsCacheLike,
): Promise<string | undefined> {
  const service = await available(cache)
  if (service === undefined) return undefined
  try {
    const restored = await (restoreKeys.length === 0
      ? service.restoreCache(paths, key)
      : service.restoreCache(paths, key, restoreKeys))
    core.debug(restored === undefined ? `No cache entry for ${key}` : `Restored cache entry ${restored}`)
    return restored
  } catch (error) {
    core.debug(`Could not restore cache entry ${key}: ${errorMessage(error)}`)
    return undefined
  }
}

/** True when saved. An existing key (ReserveCacheError), a missing path or a service error is a debug line. */
export async function saveDirectory(paths: string[], key: string, cache?: ActionsCacheLike): Promise<boolean> {
  const service = await available(cache)
  if (service === undefined) return false
  try {
    const id = await service.saveCache(paths, key)
    // @actions/cache reports some failures (such as a key saved meanwhile by a parallel job) as -1.
    if (id === -1) {
      core.debug(`Cache entry ${key} was not saved`)
      return false
    }
    core.debug(`Saved cache entry ${key}`)
    return true
  } catch (error) {
    core.debug(`Could not save cache entry ${key}: ${errorMessage(error)}`)
    return false
  }
}

export interface DbCacheOptions {
  /** The DB folders inside Trivy's cache dir, e.g. `<cache-dir>/db` and `<cache-dir>/java-db`. */
  paths: string[]
  now: Date
  /** Injected in tests; the real @actions/cache otherwise. */
  cache?: ActionsCacheLike
  /**
   * Asked after the scan: false skips the save, so that a DB left half-written by a failed download does not
   * become today's entry. e.g. `async () => (await readDbMetadata(cacheDir)) !== undefined`.
   */
  worthSaving?: () => Promise<boolean>
}

/**
 * Restores the Trivy DB, runs the scan, and saves the DB in a `finally`: a failing gate or a failed scan still
 * leaves today's DB for the next run (and for its cached-DB fallback). Nothing is saved when today's exact key
 * was restored, since a key can be written only once.
 */
export async function withDbCache<T>(options: DbCacheOptions, scan: () => Promise<T>): Promise<T> {
  const key = dbCacheKey(options.now)
  const restored = await restoreDirectory(options.paths, key, [DB_CACHE_PREFIX], options.cache)
  try {
    return await scan()
  } finally {
    if (restored !== key && (await worthSaving(options))) await saveDirectory(options.paths, key, options.cache)
  }
}

async function worthSaving(options: DbCacheOptions): Promise<boolean> {
  try {
    return (await options.worthSaving?.()) ?? true
  } catch (error) {
    core.debug(`Not saving the DB cache: ${errorMessage(error)}`)
    return false
  }
}
