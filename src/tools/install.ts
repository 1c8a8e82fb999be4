// Installs Trivy and cosign so that vouch never runs a file whose sha256 was not compared with a pinned (or
// user-given) hash. Every path ends the same way: a copy of the release asset in a fresh directory of this run is
// hashed, compared, and only then unpacked and run. The caches keep only the asset; both tools install in parallel.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as core from '@actions/core'
import { errorMessage, IntegrityError } from '../errors.js'
import { exec as defaultExec, type Exec } from '../exec.js'
import type { InstalledTool } from './request.js'
import { loadActionsCache, type ActionsCacheLike } from '../cache/actions-cache.js'
import { actionsCacheKey, restoreAssetFromActionsCache, saveAssetToActionsCache } from './asset-cache.js'
import { runnerPlatform, type ReleaseAsset, type RunnerPlatform } from './assets.js'
import { adoptCachedAsset, type Adopted } from './cached-asset.js'
import { assertHashAllowed } from './checksums.js'
import { planTools, type PlannedTool, type ToolPlan, type ToolsInputs } from './plan.js'
import { downloadAsset } from './download.js'
import type { RetryPolicy } from '../retry.js'
import { unpackAsset } from './extract.js'
import { checkToolIdentity } from './identity.js'
import { addAssetToToolCache, cachedAssetPath, toolCacheArch, toolCacheAvailable } from './tool-cache.js'

export interface InstallOptions {
  /** Also keep the tool between runs with the Actions cache. */
  cache: boolean
  fetch?: typeof fetch
  /** `@actions/cache`, or a fake; loaded lazily when `cache` is on and none is given. */
  actionsCache?: ActionsCacheLike
  retry?: RetryPolicy
  /** Longest silence from the server before a download is cut and retried. */
  readTimeoutMs?: number
}

export type { ToolsInputs } from './plan.js'

export interface InstalledTools {
  trivy: InstalledTool
  cosign?: InstalledTool
}

export type InstallToolsOptions = Omit<InstallOptions, 'cache'> & {
  /** The runner to plan for; this runner's own unless given. */
  platform?: RunnerPlatform
  /** Runs `trivy --version` / `cosign version` to check identity; `false` skips it. */
  exec?: IdentityExec
  onReady?: (tool: InstalledTool) => void
}

/** Plans the tools (asset and expected hash), then installs that plan: for callers that have no plan yet. */
export async function installTools(inputs: ToolsInputs, options: InstallToolsOptions = {}): Promise<InstalledTools> {
  const { platform = runnerPlatform(), ...rest } = options
  return installPlannedTools(planTools(inputs, platform), { ...rest, cache: inputs.cache })
}

/** What runs each installed tool to ask its version: one Exec for both, one per tool, or `false` for no check. */
export type IdentityExec = Exec | false | Record<InstalledTool['tool'], Exec>

/**
 * Installs Trivy and (when planned) cosign in parallel, and checks each reports the version asked for as soon as it
 * is installed (cosign's check runs while Trivy is still unpacked). Waits for both before failing, so no download
 * or check is left running behind an error; Trivy's failure is the one reported when both fail.
 */
export async function installPlannedTools(
  plan: ToolPlan,
  options: InstallOptions & {
    exec?: IdentityExec
    /** Told of each tool as soon as it is installed and (unless `exec` is false) its identity checked. */
    onReady?: (tool: InstalledTool) => void
  },
): Promise<InstalledTools> {
  const { exec = defaultExec, onReady, ...rest } = options
  const planned = plan.cosign === undefined ? [plan.trivy] : [plan.trivy, plan.cosign]
  const actionsCache = rest.cache ? (rest.actionsCache ?? (await loadActionsCache())) : undefined
  const shared: InstallOptions = { ...rest, ...(actionsCache === undefined ? {} : { actionsCache }) }
  const settled = await Promise.allSettled(
    planned.map(async (tool) => {
      const installed = await installTool(tool, shared)
      if (exec !== false) await checkToolIdentity(installed, typeof exec === 'function' ? exec : exec[tool.tool])
      onReady?.(installed)
      return installed
    }),
  )
  const installed = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason
    return result.value
  })
  const [trivy, cosign] = installed as [InstalledTool, InstalledTool | undefined]
  return cosign === undefined ? { trivy } : { trivy, cosign }
}

/** What one install must end with (the plan), and the cache names that carry its sha256. */
interface Wanted extends PlannedTool {
  /** Tool-cache arch segment and Actions cache key, both carrying the expected sha256. */
  arch: string
  key: string
  log: (message: string) => void
}

/**
 * Installs one tool; the returned path is safe to run. The asset's sha256 is compared with the expected hash in
 * `fromToolCache`/`fromActionsCache` (through adoptCachedAsset, on a private copy) or `fromMirror`, always before
 * `unpackAsset` extracts or chmods anything.
 */
export async function installTool(planned: PlannedTool, options: InstallOptions): Promise<InstalledTool> {
  const { tool, version, platform, asset, sha256 } = planned
  const wanted: Wanted = {
    ...planned,
    arch: toolCacheArch(platform, sha256),
    key: actionsCacheKey(planned),
    log: (message) => core.info(`${tool} ${version}: ${message}`),
  }

  // This run's own directory: the copy of the asset that is hashed, then the executable taken from that copy.
  await mkdir(tempRoot(), { recursive: true })
  const work = await mkdtemp(join(tempRoot(), `vouch-${tool}-`))
  const copy = join(work, asset.name)
  try {
    let fromCache: InstalledTool['fromCache'] = false
    if (await fromToolCache(wanted, copy)) fromCache = 'tool-cache'
    else if (options.cache && (await fromActionsCache(wanted, copy, stagingDir(asset, platform), options))) {
      fromCache = 'actions-cache'
    } else await fromMirror(wanted, copy, options)

    // From here `copy` is verified. The caches get the asset (not an unpacked tool), best effort.
    if (fromCache !== 'tool-cache') await keepInToolCache(wanted, copy)
    if (fromCache === false && options.cache) {
      await saveAssetToActionsCache(options.actionsCache, copy, stagingDir(asset, platform), wanted.key)
    }
    const path = await unpackAsset(asset, copy, join(work, 'bin'))
    await rm(copy, { force: true })
    wanted.log(`${asset.binary} unpacked from the verified asset into ${dirname(path)}`)
    return { tool, version, path, sha256, fromCache }
  } catch (error) {
    await rm(work, { recursive: true, force: true })
    throw error
  }
}

async function fromToolCache(wanted: Wanted, copy: string): Promise<boolean> {
  const cached = cachedAssetPath(wanted.asset, wanted.arch)
  if (cached === undefined) return false
  const adopted = await adoptCachedAsset(cached, copy, wanted.sha256, wanted.source)
  if (!adopted.ok) {
    notUsing(wanted, `the tool cache entry ${dirname(cached)}`, adopted)
    return false
  }
  wanted.log(`found in the runner tool cache; asset sha256 re-verified against the ${wanted.source} hash`)
  return true
}

async function fromActionsCache(
  wanted: Wanted,
  copy: string,
  staging: string,
  options: InstallOptions,
): Promise<boolean> {
  const restored = await restoreAssetFromActionsCache(options.actionsCache, staging, wanted.key, wanted.asset.name)
  if (restored === undefined) return false
  try {
    const adopted = await adoptCachedAsset(restored, copy, wanted.sha256, wanted.source)
    if (!adopted.ok) {
      notUsing(wanted, `the Actions cache entry ${wanted.key}`, adopted)
      return false
    }
    wanted.log(`restored from the Actions cache; asset sha256 re-verified against the ${wanted.source} hash`)
    return true
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/** A changed asset is a warning (someone wrote to the cache); a missing one (an entry of an older layout) is not. */
function notUsing(wanted: Wanted, entry: string, adopted: Exclude<Adopted, { ok: true }>): void {
  const { tool, version } = wanted.asset
  const message = `${tool} ${version}: not using ${entry}: ${adopted.reason}`
  if (adopted.tampered) core.warning(message)
  else core.info(message)
}

/**
 * Downloads the asset to `copy`, hashing it as it arrives, and compares that sha256 with the expected hash. On a
 * mismatch the file is deleted unread.
 */
async function fromMirror(wanted: Wanted, copy: string, options: InstallOptions): Promise<void> {
  const { asset, sha256, source, log } = wanted
  log(`downloading ${asset.url}`)
  const downloaded = await downloadAsset(asset.url, copy, {
    log,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.readTimeoutMs === undefined ? {} : { readTimeoutMs: options.readTimeoutMs }),
  })
  if (downloaded.sha256 !== sha256) {
    await rm(copy, { force: true })
    throw new IntegrityError(
      `${asset.name} from ${asset.url} has sha256 ${downloaded.sha256}, but the ${source} sha256 is ${sha256}; ` +
        'the file was deleted and nothing from it was extracted or run',
    )
  }
  assertHashAllowed(downloaded.sha256, `${asset.name} from ${asset.url}`)
  log(`sha256 ${sha256} matches the ${source} hash (${downloaded.bytes} bytes)`)
}

async function keepInToolCache(wanted: Wanted, copy: string): Promise<void> {
  if (!toolCacheAvailable()) return
  try {
    await addAssetToToolCache(copy, wanted.asset, wanted.arch)
  } catch (error) {
    core.warning(
      `${wanted.asset.tool} ${wanted.asset.version}: could not keep it in the tool cache: ${errorMessage(error)}`,
    )
  }
}

/** The fixed path Actions cache entries are restored to and saved from (the service keys entries by path too). */
function stagingDir(asset: ReleaseAsset, platform: RunnerPlatform): string {
  return join(tempRoot(), 'vouch-tools', `${asset.tool}-${asset.version}-${platform.os}-${platform.arch}`)
}

function tempRoot(): string {
  return process.env['RUNNER_TEMP'] || tmpdir()
}
