// Which release asset of Trivy or cosign fits this runner, and where to download it (GitHub or a mirror laid
// out like GitHub releases). Pure: the runner's os/arch come in as arguments.
import { UnsupportedPlatformError } from '../errors.js'

export type ToolName = 'trivy' | 'cosign'
export const TOOLS: readonly ToolName[] = ['trivy', 'cosign']

/** Go's names, as in the release asset names of cosign. */
export type ToolOs = 'linux' | 'darwin' | 'windows'
export type ToolArch = 'amd64' | 'arm64' | 'arm' | 'ppc64le' | 'riscv64' | 's390x'

export interface RunnerPlatform {
  os: ToolOs
  arch: ToolArch
}

/** `linux/amd64`: the key of a platform in the pinned checksums. */
export type PlatformKey = `${ToolOs}/${ToolArch}`

export function platformKey(platform: RunnerPlatform): PlatformKey {
  return `${platform.os}/${platform.arch}`
}

const RUNNER_OS: Record<string, ToolOs> = { Linux: 'linux', macOS: 'darwin', Windows: 'windows' }
// One row per architecture vouch installs tools for: its name in release assets, in Node's `process.arch`, and in
// the runner's `RUNNER_ARCH` (the runner sets only X64, ARM64 and ARM; the others are for local CLI runs).
const ARCHES: readonly { arch: ToolArch; node: string; runner: string; runnerSets?: true }[] = [
  { arch: 'amd64', node: 'x64', runner: 'X64', runnerSets: true },
  { arch: 'arm64', node: 'arm64', runner: 'ARM64', runnerSets: true },
  { arch: 'arm', node: 'arm', runner: 'ARM', runnerSets: true },
  { arch: 'ppc64le', node: 'ppc64', runner: 'PPC64LE' },
  { arch: 'riscv64', node: 'riscv64', runner: 'RISCV64' },
  { arch: 's390x', node: 's390x', runner: 'S390X' },
]
const RUNNER_ARCH = Object.fromEntries(ARCHES.filter((row) => row.runnerSets).map((row) => [row.runner, row.arch]))
const NODE_ARCH = Object.fromEntries(ARCHES.map((row) => [row.node, row.arch]))
const ARCH_LABEL = Object.fromEntries(ARCHES.map((row) => [row.arch, row.runner])) as Record<ToolArch, string>
const NODE_OS: Record<string, ToolOs> = { linux: 'linux', darwin: 'darwin', win32: 'windows' }

/**
 * The runner's platform: `RUNNER_OS` / `RUNNER_ARCH` as the Actions runner sets them, else Node's own
 * `process.platform` / `process.arch` (local CLI runs).
 */
export function runnerPlatform(
  env: Record<string, string | undefined> = process.env,
  nodePlatform: string = process.platform,
  nodeArch: string = process.arch,
): RunnerPlatform {
  const runnerOs = env['RUNNER_OS']
  const runnerArch = env['RUNNER_ARCH']
  const os = runnerOs ? lookup(RUNNER_OS, runnerOs) : lookup(NODE_OS, nodePlatform)
  const arch = runnerArch ? lookup(RUNNER_ARCH, runnerArch) : lookup(NODE_ARCH, nodeArch)
  if (os === undefined || arch === undefined) {
    const described =
      runnerOs || runnerArch
        ? `RUNNER_OS=${runnerOs ?? ''} RUNNER_ARCH=${runnerArch ?? ''}`
        : `${nodePlatform}/${nodeArch}`
    throw new UnsupportedPlatformError(
      `vouch does not support this runner (${described}); supported: Linux, macOS, Windows on X64, ARM64, ARM`,
    )
  }
  return { os, arch }
}

// Own keys only: `constructor` is not an operating system.
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

const OS_LABEL: Record<ToolOs, string> = { linux: 'Linux', darwin: 'macOS', windows: 'Windows' }
/** `Windows ARM64`: a platform in the runner's words, for messages. */
export function describePlatform(platform: RunnerPlatform): string {
  return `${OS_LABEL[platform.os]} ${ARCH_LABEL[platform.arch]}`
}

export type AssetKind = 'tar.gz' | 'zip' | 'binary'

export interface ReleaseAsset {
  tool: ToolName
  /** The release tag, `v0.74.0`. */
  version: string
  /** The file name on the release page, e.g. `trivy_0.74.0_Linux-64bit.tar.gz`. */
  name: string
  url: string
  kind: AssetKind
  /** The executable's file name once installed: `trivy`, `trivy.exe`, `cosign`, `cosign.exe`. */
  binary: string
}

// Trivy's goreleaser names: only these five are offered (and pinned).
const TRIVY_PLATFORMS: Partial<Record<PlatformKey, string>> = {
  'linux/amd64': 'Linux-64bit',
  'linux/arm64': 'Linux-ARM64',
  'darwin/amd64': 'macOS-64bit',
  'darwin/arm64': 'macOS-ARM64',
  'windows/amd64': 'windows-64bit',
}

const COSIGN_PLATFORMS: readonly PlatformKey[] = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm',
  'linux/ppc64le',
  'linux/riscv64',
  'linux/s390x',
  'darwin/amd64',
  'darwin/arm64',
  'windows/amd64',
]

/** The release asset's file name, or UnsupportedPlatformError naming the runner's os/arch. */
export function assetName(tool: ToolName, version: string, platform: RunnerPlatform): string {
  const key = platformKey(platform)
  if (tool === 'trivy') {
    const suffix = TRIVY_PLATFORMS[key]
    if (suffix === undefined) throw unsupported(tool, version, platform)
    const extension = platform.os === 'windows' ? 'zip' : 'tar.gz'
    return `trivy_${version.replace(/^v/, '')}_${suffix}.${extension}`
  }
  if (!COSIGN_PLATFORMS.includes(key)) throw unsupported(tool, version, platform)
  return `cosign-${platform.os}-${platform.arch}${platform.os === 'windows' ? '.exe' : ''}`
}

function unsupported(tool: ToolName, version: string, platform: RunnerPlatform): UnsupportedPlatformError {
  return new UnsupportedPlatformError(
    `${tool} ${version} has no release asset for this runner (${describePlatform(platform)}, ${platformKey(platform)})`,
  )
}

const REPOSITORY: Record<ToolName, string> = { trivy: 'aquasecurity/trivy', cosign: 'sigstore/cosign' }
const GITHUB = 'https://github.com'

/** `/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz`: the path below the base URL. */
export function assetPath(tool: ToolName, version: string, name: string): string {
  return `/${REPOSITORY[tool]}/releases/download/${version}/${name}`
}

/**
 * Everything needed to fetch and install one tool. `mirror` (the `tools-mirror` input, no trailing slash)
 * replaces `https://github.com`.
 */
export function releaseAsset(tool: ToolName, version: string, platform: RunnerPlatform, mirror?: string): ReleaseAsset {
  const name = assetName(tool, version, platform)
  const base = (mirror ?? GITHUB).replace(/\/+$/, '')
  const exe = platform.os === 'windows' ? '.exe' : ''
  return {
    tool,
    version,
    name,
    url: `${base}${assetPath(tool, version, name)}`,
    kind: tool === 'cosign' ? 'binary' : platform.os === 'windows' ? 'zip' : 'tar.gz',
    binary: `${tool}${exe}`,
  }
}
