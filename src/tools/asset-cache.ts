// Keeps verified release assets between workflow runs with the Actions cache. Best effort: a missing cache service
// or any failure is a debug line, never a failed step; whatever is restored is hashed again by the caller.
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { restoreDirectory, saveDirectory, type ActionsCacheLike } from '../cache/actions-cache.js'
import type { PlannedTool } from './plan.js'

/**
 * `vouch-trivy-asset-v0.74.0-linux-amd64-<sha256>`: one entry per exact verified asset. `asset` tells these entries
 * (the release asset) from the unpacked directories older vouch versions saved, which are never restored.
 */
export function actionsCacheKey({ tool, version, platform, sha256 }: PlannedTool): string {
  return `vouch-${tool}-asset-${version}-${platform.os}-${platform.arch}-${sha256}`
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
  if (cache === undefined) return undefined
  try {
    await rm(dir, { recursive: true, force: true })
  } catch (error) {
    core.debug(`Actions cache restore of ${key} failed: ${errorMessage(error)}`)
    return undefined
  }
  const hit = await restoreDirectory([dir], key, [], cache)
  return hit === key ? join(dir, name) : undefined
}

/** Saves a verified asset `file` as the only file of `dir` under `key`; `dir` is removed afterwards. */
export async function saveAssetToActionsCache(
  cache: ActionsCacheLike | undefined,
  file: string,
  dir: string,
  key: string,
): Promise<void> {
  if (cache === undefined) return
  try {
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    await copyFile(file, join(dir, basename(file)))
    await saveDirectory([dir], key, cache)
  } catch (error) {
    // Another job saving the same key first is the common case; the entry is identical by construction.
    core.debug(`Actions cache save of ${key} failed: ${errorMessage(error)}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
