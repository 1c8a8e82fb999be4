// Keeps verified release assets between workflow runs with the Actions cache. Best effort: a missing cache service
// or any failure is a debug line, never a failed step; whatever is restored is hashed again by the caller.
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { RunnerPlatform, ToolName } from './assets.js'

/** The part of `@actions/cache` vouch uses; tests hand in a fake. */
export interface ActionsCacheLike {
  isFeatureAvailable(): boolean
  restoreCache(paths: string[], primaryKey: string): Promise<string | undefined>
  saveCache(paths: string[], key: string): Promise<number>
}

/**
 * `vouch-trivy-asset-v0.74.0-linux-amd64-<sha256>`: one entry per exact verified asset. `asset` tells these entries
 * (the release asset) from the unpacked directories older vouch versions saved, which are never restored.
 */
export function actionsCacheKey(tool: ToolName, version: string, platform: RunnerPlatform, sha256: string): string {
  return `vouch-${tool}-asset-${version}-${platform.os}-${platform.arch}-${sha256}`
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

/**
 * Restores the entry `key` into `dir` (emptied first: the cache service keys entries by path too, so `dir` is the
 * same fixed path on every run). Returns where the asset `name` would be in it on an exact hit, else undefined.
 * Nothing restored is trusted: the caller hashes it against the expected sha256 and removes `dir`.
 */
export async function restoreAssetFromActionsCache(
  cache: ActionsCacheLike | undefined,
  dir: string,
  key: string,
  name: string,
): Promise<string | undefined> {
  if (!usable(cache)) return undefined
  try {
    await rm(dir, { recursive: true, force: true })
    const hit = await cache.restoreCache([dir], key)
    if (hit === key) return join(dir, name)
    core.debug(`no Actions cache entry ${key}`)
  } catch (error) {
    core.debug(`Actions cache restore of ${key} failed: ${errorMessage(error)}`)
  }
  return undefined
}

/** Saves a verified asset `file` as the only file of `dir` under `key`; `dir` is removed afterwards. */
export async function saveAssetToActionsCache(
  cache: ActionsCacheLike | undefined,
  file: string,
  dir: string,
  key: string,
): Promise<void> {
  if (!usable(cache)) return
  try {
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    await copyFile(file, join(dir, basename(file)))
    await cache.saveCache([dir], key)
    core.debug(`saved Actions cache entry ${key}`)
  } catch (error) {
    // Another job saving the same key first is the common case; the entry is identical by construction.
    core.debug(`Actions cache save of ${key} failed: ${errorMessage(error)}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
