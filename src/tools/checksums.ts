// Decides which sha256 a downloaded tool must have before vouch will run it: the hash pinned in vouch's own
// source, or the user's hash for a version vouch has no pin for. Refused releases and known-bad hashes never pass.
import { InputError, IntegrityError } from '../errors.js'
import type { ToolRequest } from './request.js'
import { assetName, describePlatform, platformKey, type RunnerPlatform, type ToolName } from './assets.js'
import { COSIGN_SHA256, TRIVY_SHA256, type VersionHashes } from './pins.js'

export const PINNED_SHA256: Readonly<Record<ToolName, VersionHashes>> = { trivy: TRIVY_SHA256, cosign: COSIGN_SHA256 }

/**
 * Releases published by the March 2026 compromise (CVE-2026-33634), by major.minor.patch: a pre-release or build
 * suffix (`v0.69.4-rc.1`, `v0.69.5-x`) names the same release line and is refused too. The one list: input parsing
 * and the installer both ask isRefusedVersion, so the installer refuses them whoever calls it.
 */
export const REFUSED_VERSIONS: Readonly<Record<ToolName, readonly string[]>> = {
  trivy: ['v0.69.4', 'v0.69.5', 'v0.69.6'],
  cosign: [],
}

/** `v0.69.4` for `v0.69.4-rc.1+build`: the release a tag belongs to. */
function releaseOf(version: string): string {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim())
  return match === null ? version : `v${Number(match[1])}.${Number(match[2])}.${Number(match[3])}`
}

export function isRefusedVersion(tool: ToolName, version: string): boolean {
  return REFUSED_VERSIONS[tool].includes(releaseOf(version))
}

/**
 * Assets known to be malicious, for every platform tool-checksums.md lists: refused even when a user supplies one as
 * `trivy-sha256` / `cosign-sha256`, and whenever a download hashes to one. A hash the document gives only as
 * `prefix…suffix` (an unconfirmed IOC) is matched by both ends.
 */
export const REFUSED_SHA256: ReadonlyMap<string, string> = new Map([
  ['0376b98064636c30f5fbe60fb3b1225516e23e88dd7e909937f81d9265292e7d', 'the malicious Trivy v0.69.4 windows-64bit.zip'],
  ['385d498d…09f6', 'the malicious Trivy v0.69.4 Linux-64bit.tar.gz (an unconfirmed indicator)'],
])

function knownBad(sha256: string): string | undefined {
  const hash = sha256.toLowerCase()
  for (const [bad, what] of REFUSED_SHA256) {
    const [prefix = '', suffix] = bad.split('…')
    if (suffix === undefined ? hash === bad : hash.length === 64 && hash.startsWith(prefix) && hash.endsWith(suffix)) {
      return what
    }
  }
  return undefined
}

/** The pinned sha256 of the asset for this tool, version and platform, if vouch carries one. */
export function pinnedSha256(tool: ToolName, version: string, platform: RunnerPlatform): string | undefined {
  const versions = PINNED_SHA256[tool]
  if (!Object.hasOwn(versions, version)) return undefined
  return versions[version]?.[platformKey(platform)]
}

/** Pinned versions of a tool, newest first. */
export function pinnedVersions(tool: ToolName): string[] {
  return Object.keys(PINNED_SHA256[tool])
}

/** IntegrityError for a refused release of the tool. */
export function assertVersionAllowed(tool: ToolName, version: string): void {
  if (isRefusedVersion(tool, version)) {
    throw new IntegrityError(
      `${tool} ${version} is a compromised release and is refused whatever hash is given (refused: ${REFUSED_VERSIONS[tool].join(', ')})`,
    )
  }
}

/** IntegrityError when a hash is on the known-bad list; `where` says where the hash came from. */
export function assertHashAllowed(sha256: string, where: string): void {
  const known = knownBad(sha256)
  if (known !== undefined)
    throw new IntegrityError(`${where} is the sha256 of ${known}, a known-malicious asset; refused`)
}

/**
 * The sha256 the downloaded asset must have.
 *
 * A pinned version: the pin. If the user also gives a hash, it must equal the pin, else IntegrityError. We refuse
 * rather than silently prefer the pin because a differing hash means the user believes in a different file (a
 * rebuilt mirror asset, a typo, or an attacker's hash in a PR): that belief should be surfaced, not overridden,
 * and accepting it would let an input weaken a pin. The pin wins either way; the user's hash never replaces it.
 *
 * An unpinned version: the user's hash, else InputError asking for `<tool>-sha256`.
 */
export function expectedSha256(tool: ToolName, request: ToolRequest, platform: RunnerPlatform): string {
  const { version } = request
  const input = `${tool}-sha256`
  assertVersionAllowed(tool, version)
  const given = request.sha256?.toLowerCase()
  if (given !== undefined) assertHashAllowed(given, `\`${input}\``)

  const pinned = pinnedSha256(tool, version, platform)
  if (pinned !== undefined) {
    assertHashAllowed(pinned, `the pin for ${tool} ${version}`)
    if (given !== undefined && given !== pinned) {
      throw new IntegrityError(
        `\`${input}\` ${given} differs from the sha256 vouch pins for ${assetName(tool, version, platform)} (${pinned}); ` +
          `the pin wins: remove \`${input}\`, or check where your hash came from`,
      )
    }
    return pinned
  }
  if (given !== undefined) return given

  const pinnedElsewhere = Object.hasOwn(PINNED_SHA256[tool], version)
  const why = pinnedElsewhere
    ? `which vouch pins for other platforms but not for ${describePlatform(platform)}`
    : 'which has no pinned hash'
  throw new InputError(
    input,
    '',
    `is required for ${tool} ${version}, ${why}; pinned versions: ${pinnedVersions(tool).join(', ')}`,
  )
}
