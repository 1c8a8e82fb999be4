// The runner's tool cache (RUNNER_TOOL_CACHE) for verified tools. An entry is keyed by the expected asset sha256,
// so an entry for another hash is never found, and it carries a record of what was verified, which is checked
// again (binary hash recomputed) every time the entry is used.
import { chmod, lstat, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tc from '@actions/tool-cache'
import type { RunnerPlatform, ToolName } from './assets.js'
import { sha256File } from './hash.js'

/** The record written beside the executable once its asset's sha256 matched. */
export const VERIFIED_RECORD = '.vouch-verified.json'

export interface VerifiedRecord {
  tool: ToolName
  version: string
  /** Release asset file name. */
  asset: string
  /** sha256 of the release asset, equal to the expected (pinned or user-given) hash. */
  assetSha256: string
  /** The executable's file name in this directory. */
  binary: string
  /** sha256 of the executable as installed, computed right after the asset was verified. */
  binarySha256: string
}

export type Expected = Omit<VerifiedRecord, 'binarySha256'> & {
  /** cosign: the asset is the executable, so its hash must also be the binary's. */
  binaryIsAsset: boolean
}

export type Verification = { ok: true; binaryPath: string; binarySha256: string } | { ok: false; reason: string }

/** The tool-cache "arch" segment: platform and expected hash, so a different or poisoned build is never found. */
export function toolCacheArch(platform: RunnerPlatform, sha256: string): string {
  return `${platform.os}-${platform.arch}-${sha256}`
}

/** Whether the runner has a tool cache at all (a local CLI run may not). */
export function toolCacheAvailable(): boolean {
  return Boolean(process.env['RUNNER_TOOL_CACHE'])
}

/** The cached directory for this tool version and key, or undefined. */
export function findInToolCache(tool: ToolName, version: string, arch: string): string | undefined {
  return tc.find(tool, version.replace(/^v/, ''), arch) || undefined
}

/** Copies a verified directory into the tool cache and returns the cached directory. */
export async function addToToolCache(dir: string, tool: ToolName, version: string, arch: string): Promise<string> {
  return tc.cacheDir(dir, tool, version.replace(/^v/, ''), arch)
}

export async function writeVerifiedRecord(dir: string, record: VerifiedRecord): Promise<void> {
  await writeFile(join(dir, VERIFIED_RECORD), `${JSON.stringify(record, null, 2)}\n`)
}

/**
 * Checks a directory that claims to hold a verified install (from the tool cache or the Actions cache): the record
 * must name the expected asset hash, and the executable's sha256 must still be the one recorded. Only then is it
 * marked executable again.
 */
export async function verifyInstalledDir(dir: string, expected: Expected): Promise<Verification> {
  let record: Partial<VerifiedRecord>
  try {
    record = JSON.parse(await readFile(join(dir, VERIFIED_RECORD), 'utf8')) as Partial<VerifiedRecord>
  } catch {
    return { ok: false, reason: `it has no readable ${VERIFIED_RECORD}` }
  }
  const keys = ['tool', 'version', 'asset', 'assetSha256', 'binary'] as const
  const differing = keys.filter((key) => record[key] !== expected[key])
  if (differing.length > 0) return { ok: false, reason: `its record differs in ${differing.join(', ')}` }
  if (typeof record.binarySha256 !== 'string') return { ok: false, reason: 'its record has no binary sha256' }
  if (expected.binaryIsAsset && record.binarySha256 !== expected.assetSha256) {
    return {
      ok: false,
      reason: `its record gives the binary sha256 ${record.binarySha256}, not ${expected.assetSha256}`,
    }
  }
  const binaryPath = join(dir, expected.binary)
  const stat = await lstat(binaryPath).catch(() => undefined)
  if (stat === undefined || !stat.isFile())
    return { ok: false, reason: `${expected.binary} is missing or not a regular file` }
  const actual = await sha256File(binaryPath)
  if (actual !== record.binarySha256) {
    return {
      ok: false,
      reason: `${expected.binary} has sha256 ${actual}, but ${record.binarySha256} was recorded when it was verified`,
    }
  }
  await chmod(binaryPath, 0o755)
  return { ok: true, binaryPath, binarySha256: actual }
}
