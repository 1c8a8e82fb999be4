// A tool as asked for (a release and, for a version vouch has no pin for, the user's hash) and as installed.
import type { ToolName } from './assets.js'

export interface ToolRequest {
  /** A release tag, `v` + semver. */
  version: string
  /** A user-supplied sha256 (lower-case hex) for a version the action has no pin for. */
  sha256?: string
}

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
