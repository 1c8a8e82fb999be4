// Installs Trivy and cosign so that vouch never runs a binary whose sha256 was not compared with a pinned (or
// user-given) hash: tool cache -> Actions cache -> download, verify, unpack -> tool cache. Both tools in parallel.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { IntegrityError } from '../errors.js'
import { exec as defaultExec, type Exec } from '../exec.js'
import type { ToolRequest } from '../inputs.js'
import {
  actionsCacheKey,
  loadActionsCache,
  restoreFromActionsCache,
  saveToActionsCache,
  type ActionsCacheLike,
} from './actions-cache.js'
import { releaseAsset, runnerPlatform, type ReleaseAsset, type RunnerPlatform, type ToolName } from './assets.js'
import { assertHashAllowed, expectedSha256, pinnedSha256 } from './checksums.js'
import { downloadAsset, type RetryPolicy } from './download.js'
import { unpackAsset } from './extract.js'
import { sha256File } from './hash.js'
import { checkToolIdentity } from './identity.js'
import {
  addToToolCache,
  findInToolCache,
  toolCacheArch,
  toolCacheAvailable,
  verifyInstalledDir,
  writeVerifiedRecord,
  type Expected,
} from './tool-cache.js'

export interface InstalledTool {
  tool: ToolName
  /** The release tag, `v0.74.0`. */
  version: string
  /** Absolute path of the executable. */
  path: string
  /** sha256 of the release asset, equal to the pinned or user-given hash. */
  sha256: string
  fromCache: 'tool-cache' | 'actions-cache' | false
}

export interface InstallOptions {
  /** `tools-mirror`: replaces https://github.com in download URLs. */
  mirror?: string
  /** Also keep the tool between runs with the Actions cache. */
  cache: boolean
  platform?: RunnerPlatform
  fetch?: typeof fetch
  /** `@actions/cache`, or a fake; loaded lazily when `cache` is on and none is given. */
  actionsCache?: ActionsCacheLike
  retry?: RetryPolicy
  /** Longest silence from the server before a download is cut and retried. */
  readTimeoutMs?: number
}

export interface ToolsInputs {
  trivy: ToolRequest
  cosign?: ToolRequest
  toolsMirror?: string
  cache: boolean
}

export interface InstalledTools {
  trivy: InstalledTool
  cosign?: InstalledTool
}

export type InstallToolsOptions = Omit<InstallOptions, 'mirror' | 'cache'> & {
  /** Runs `trivy --version` / `cosign version` to check identity; `false` skips it. */
  exec?: Exec | false
}

/**
 * Installs Trivy and (when requested) cosign in parallel, then checks each reports the version asked for.
 * Waits for both before failing, so no download is left running behind an error.
 */
export async function installTools(inputs: ToolsInputs, options: InstallToolsOptions = {}): Promise<InstalledTools> {
  const { exec = defaultExec, ...rest } = options
  const actionsCache = inputs.cache ? (options.actionsCache ?? (await loadActionsCache())) : undefined
  const shared: InstallOptions = {
    ...rest,
    cache: inputs.cache,
    ...(inputs.toolsMirror === undefined ? {} : { mirror: inputs.toolsMirror }),
    ...(actionsCache === undefined ? {} : { actionsCache }),
  }
  const requests: [ToolName, ToolRequest][] = [['trivy', inputs.trivy]]
  if (inputs.cosign !== undefined) requests.push(['cosign', inputs.cosign])
  const settled = await Promise.allSettled(requests.map(([tool, request]) => installTool(tool, request, shared)))
  const installed = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason
    return result.value
  })
  if (exec !== false) await Promise.all(installed.map((tool) => checkToolIdentity(tool, exec)))
  const [trivy, cosign] = installed as [InstalledTool, InstalledTool | undefined]
  return cosign === undefined ? { trivy } : { trivy, cosign }
}

/** Installs one tool; the returned path is safe to run (its asset's sha256 matched the expected hash). */
export async function installTool(
  tool: ToolName,
  request: ToolRequest,
  options: InstallOptions,
): Promise<InstalledTool> {
  const { version } = request
  const log = (message: string): void => core.info(`${tool} ${version}: ${message}`)
  const platform = options.platform ?? runnerPlatform()
  const asset = releaseAsset(tool, version, platform, options.mirror)
  const sha256 = expectedSha256(tool, request, platform)
  const source = pinnedSha256(tool, version, platform) === undefined ? `\`${tool}-sha256\`` : 'pinned'
  const expected: Expected = {
    tool,
    version,
    asset: asset.name,
    assetSha256: sha256,
    binary: asset.binary,
    binaryIsAsset: asset.kind === 'binary',
  }
  const installed = (path: string, fromCache: InstalledTool['fromCache']): InstalledTool => ({
    tool,
    version,
    path,
    sha256,
    fromCache,
  })
  const arch = toolCacheArch(platform, sha256)

  if (toolCacheAvailable()) {
    const cached = findInToolCache(tool, version, arch)
    if (cached !== undefined) {
      const verification = await verifyInstalledDir(cached, expected)
      if (verification.ok) {
        log(`found in the runner tool cache, binary sha256 re-verified (${cached})`)
        return installed(verification.binaryPath, 'tool-cache')
      }
      core.warning(`${tool} ${version}: not using the tool cache entry ${cached}: ${verification.reason}`)
    }
  }

  const staging = join(tempRoot(), 'vouch-tools', `${tool}-${version}-${platform.os}-${platform.arch}`)
  const key = actionsCacheKey(tool, version, platform, sha256)
  await rm(staging, { recursive: true, force: true })
  if (options.cache && (await restoreFromActionsCache(options.actionsCache, staging, key))) {
    const verification = await verifyInstalledDir(staging, expected)
    if (verification.ok) {
      log('restored from the Actions cache, binary sha256 re-verified')
      return installed(await publish(staging, tool, version, arch, expected), 'actions-cache')
    }
    core.warning(`${tool} ${version}: not using the Actions cache entry ${key}: ${verification.reason}`)
    await rm(staging, { recursive: true, force: true })
  }

  await downloadVerifyUnpack(asset, sha256, source, staging, options, log)
  const path = await publish(staging, tool, version, arch, expected)
  if (options.cache) await saveToActionsCache(options.actionsCache, staging, key)
  return installed(path, false)
}

/**
 * The one place a downloaded file is handled. Order: download (hashing as it arrives) -> compare the sha256 with
 * the expected hash -> only then unpack, chmod and record. On a mismatch the file is deleted unread.
 */
async function downloadVerifyUnpack(
  asset: ReleaseAsset,
  sha256: string,
  source: string,
  staging: string,
  options: InstallOptions,
  log: (message: string) => void,
): Promise<void> {
  await mkdir(tempRoot(), { recursive: true })
  const downloads = await mkdtemp(join(tempRoot(), 'vouch-download-'))
  try {
    const file = join(downloads, asset.name)
    log(`downloading ${asset.url}`)
    const downloaded = await downloadAsset(asset.url, file, {
      log,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.readTimeoutMs === undefined ? {} : { readTimeoutMs: options.readTimeoutMs }),
    })
    if (downloaded.sha256 !== sha256) {
      throw new IntegrityError(
        `${asset.name} from ${asset.url} has sha256 ${downloaded.sha256}, but the ${source} sha256 is ${sha256}; ` +
          'the file was deleted and nothing from it was extracted or run',
      )
    }
    assertHashAllowed(downloaded.sha256, `${asset.name} from ${asset.url}`)
    log(`sha256 ${sha256} matches the ${source} hash (${downloaded.bytes} bytes)`)

    await unpackAsset(asset, file, staging)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  } finally {
    await rm(downloads, { recursive: true, force: true })
  }
  const binarySha256 = await recordVerified(staging, asset, sha256)
  log(`unpacked ${asset.binary} (binary sha256 ${binarySha256})`)
}

async function recordVerified(staging: string, asset: ReleaseAsset, sha256: string): Promise<string> {
  const binarySha256 = await sha256File(join(staging, asset.binary))
  await writeVerifiedRecord(staging, {
    tool: asset.tool,
    version: asset.version,
    asset: asset.name,
    assetSha256: sha256,
    binary: asset.binary,
    binarySha256,
  })
  return binarySha256
}

/** Copies the verified directory into the tool cache (when there is one) and returns the executable's path there. */
async function publish(
  staging: string,
  tool: ToolName,
  version: string,
  arch: string,
  expected: Expected,
): Promise<string> {
  const dir = toolCacheAvailable() ? await addToToolCache(staging, tool, version, arch) : staging
  // The copy is checked like any cache entry: what is returned is exactly what was verified.
  const verification = await verifyInstalledDir(dir, expected)
  if (!verification.ok) {
    throw new IntegrityError(`${tool} ${version}: the copy in ${dir} failed verification: ${verification.reason}`)
  }
  return verification.binaryPath
}

function tempRoot(): string {
  return process.env['RUNNER_TEMP'] || tmpdir()
}
