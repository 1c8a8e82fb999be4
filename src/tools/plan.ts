// Which file each tool install must end with, decided once before the network: the release asset (name, URL, kind)
// for this runner and the sha256 it must hash to. The installer and the caches take it as given. Pure.
import type { ToolRequest } from './request.js'
import { releaseAsset, type ReleaseAsset, type RunnerPlatform, type ToolName } from './assets.js'
import { expectedSha256, pinnedSha256 } from './checksums.js'

export interface PlannedTool {
  tool: ToolName
  /** The release tag, `v0.74.0`. */
  version: string
  platform: RunnerPlatform
  asset: ReleaseAsset
  /** The sha256 the asset must have: the pin, or the user's hash for a version vouch has no pin for. */
  sha256: string
  /** Where the hash came from, for messages: `pinned` or `` `trivy-sha256` ``. */
  source: string
}

export interface ToolPlan {
  trivy: PlannedTool
  /** Only when the run signs: a run with `sign: false` never downloads cosign. */
  cosign?: PlannedTool
}

export interface ToolsInputs {
  trivy: ToolRequest
  cosign?: ToolRequest
  /** `tools-mirror`: replaces https://github.com in download URLs. */
  toolsMirror?: string
  cache: boolean
}

/**
 * One tool's asset and expected hash, or the error the installer would otherwise meet: a runner no release is built
 * for, a version without a pinned or given sha256, a given sha256 that contradicts the pin, a refused release.
 */
export function planTool(tool: ToolName, request: ToolRequest, platform: RunnerPlatform, mirror?: string): PlannedTool {
  const { version } = request
  const asset = releaseAsset(tool, version, platform, mirror)
  const sha256 = expectedSha256(tool, request, platform)
  const source = pinnedSha256(tool, version, platform) === undefined ? `\`${tool}-sha256\`` : 'pinned'
  return { tool, version, platform, asset, sha256, source }
}

/** Every tool's plan first: a missing `cosign-sha256` must fail before Trivy starts downloading, and the reverse. */
export function planTools(inputs: ToolsInputs, platform: RunnerPlatform): ToolPlan {
  const trivy = planTool('trivy', inputs.trivy, platform, inputs.toolsMirror)
  if (inputs.cosign === undefined) return { trivy }
  return { trivy, cosign: planTool('cosign', inputs.cosign, platform, inputs.toolsMirror) }
}
