// The runner's tool cache (RUNNER_TOOL_CACHE) keeps the verified release asset itself (the archive, or cosign's
// binary), never an unpacked tool: whatever is read back is hashed again against the pin before it is used.
import { join } from 'node:path'
import * as tc from '@actions/tool-cache'
import type { ReleaseAsset, RunnerPlatform } from './assets.js'

/** The tool-cache "arch" segment: platform and expected hash, so an entry for another hash is never looked at. */
export function toolCacheArch(platform: RunnerPlatform, sha256: string): string {
  return `${platform.os}-${platform.arch}-${sha256}`
}

/** Whether the runner has a tool cache at all (a local CLI run may not). */
export function toolCacheAvailable(): boolean {
  return Boolean(process.env['RUNNER_TOOL_CACHE'])
}

const bare = (version: string): string => version.replace(/^v/, '')

/** Where the tool cache says this asset is kept, or undefined when it has no entry. Nothing here is trusted yet. */
export function cachedAssetPath(asset: ReleaseAsset, arch: string): string | undefined {
  if (!toolCacheAvailable()) return undefined
  const dir = tc.find(asset.tool, bare(asset.version), arch)
  return dir ? join(dir, asset.name) : undefined
}

/** Copies a verified asset into the tool cache, replacing whatever entry was there. */
export async function addAssetToToolCache(file: string, asset: ReleaseAsset, arch: string): Promise<void> {
  await tc.cacheFile(file, asset.name, asset.tool, bare(asset.version), arch)
}
