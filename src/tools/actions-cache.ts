// Keeps verified tool directories between workflow runs with the Actions cache. Best effort: a missing cache
// service or any failure is a debug line, never a failed step; whatever is restored is verified again by the caller.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { RunnerPlatform, ToolName } from './assets.js'

/** The part of `@actions/cache` vouch uses; tests hand in a fake. */
export interface ActionsCacheLike {
  isFeatureAvailable(): boolean
  restoreCache(paths: string[], primaryKey: string): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

/** `vouch-trivy-v0.74.0-linux-amd64-<sha256>`: one entry per exact verified asset. */
export function actionsCacheKey(tool: ToolName, version: string, platform: RunnerPlatform, sha256: string): string {
  return `vouch-${tool}-${version}-${platform.os}-${platform.arch}-${sha256}`
}

/** `@actions/cache`, imported only when a run uses it (it is large), or undefined when it cannot be loaded. */
export async function loadActionsCache(): Promise<ActionsCacheLike | undefined> {
  try {
    return await import('@actions/cache')
  } catch (error) {
    core.debug(`@actions/cache could not be loaded: ${errorMessage(error)}`)
    return undefined
  }
}

function usable(cache: ActionsCacheLike | undefined): cache is ActionsCacheLike {
  if (cache === undefined) return false
  try {
    if (cache.isFeatureAvailable()) return true
    core.debug('the Actions cache service is not available here; tools are not cached between runs')
  } catch (error) {
    core.debug(`the Actions cache service could not be checked: ${errorMessage(error)}`)
  }
  return false
}

/** Restores `dir` for `key`; true only on an exact hit. */
export async function restoreFromActionsCache(
  cache: ActionsCacheLike | undefined,
  dir: string,
  key: string,
): Promise<boolean> {
  if (!usable(cache)) return false
  try {
    const hit = await cache.restoreCache([dir], key)
    if (hit === key) return true
    core.debug(`no Actions cache entry ${key}`)
  } catch (error) {
    core.debug(`Actions cache restore of ${key} failed: ${errorMessage(error)}`)
  }
  return false
}

export async function saveToActionsCache(cache: ActionsCacheLike | undefined, dir: string, key: string): Promise<void> {
  if (!usable(cache)) return
  try {
    await cache.saveCache([dir], key)
    core.debug(`saved Actions cache entry ${key}`)
  } catch (error) {
    // Another job saving the same key first is the common case; the entry is identical by construction.
    core.debug(`Actions cache save of ${key} failed: ${errorMessage(error)}`)
  }
}
