// Release-shaped archives of the tier's own Trivy and cosign builds, laid out as vouch downloads them
// (src/tools/assets.ts: `trivy_<v>_Linux-64bit.tar.gz` holding `trivy`, a bare `cosign-linux-amd64`), for the
// loopback release mirror behind `tools-mirror`. Packed once by the global setup and kept beside the binaries.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { assetName, assetPath, runnerPlatform, type ToolName } from '../../../src/tools/assets.js'
import { e2eCache, labelled, realTool, REAL_TOOLS } from './real-tools.js'

export interface ReleasedTool {
  tool: ToolName
  /** The unpinned tag vouch installs, e.g. `v0.74.0-e2e`. */
  version: string
  /** The built binary the archive holds. */
  binary: string
  /** URL path below the mirror, and the asset itself. */
  path: string
  file: string
  sha256: string
}

export const RELEASED = {
  trivy: { tool: 'trivy', version: labelled(REAL_TOOLS.trivy) },
  cosign: { tool: 'cosign', version: labelled(REAL_TOOLS.cosign) },
  cosignV2: { tool: 'cosign', version: labelled(REAL_TOOLS.cosignV2) },
} as const

type Released = keyof typeof RELEASED

function pack(name: Released): ReleasedTool {
  const { tool, version } = RELEASED[name]
  const binary = realTool(tool, version)
  const asset = assetName(tool, version, runnerPlatform())
  const folder = path.join(e2eCache(), 'release', version)
  const file = path.join(folder, asset)
  const stamp = path.join(folder, `${asset}.from`)
  const { size, mtimeMs } = statSync(binary)
  const from = `${binary} ${size} ${mtimeMs}`
  if (!existsSync(file) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== from) {
    rmSync(folder, { recursive: true, force: true })
    mkdirSync(folder, { recursive: true })
    if (tool === 'cosign') {
      copyFileSync(binary, file)
    } else {
      // Trivy's goreleaser archive: the binary with LICENSE and README.md beside it at the archive's root.
      const root = path.join(folder, 'root')
      mkdirSync(root)
      copyFileSync(binary, path.join(root, 'trivy'))
      writeFileSync(path.join(root, 'LICENSE'), 'Apache License\nVersion 2.0, January 2004\n')
      writeFileSync(path.join(root, 'README.md'), `# Trivy ${version}, built from github.com/aquasecurity/trivy\n`)
      execFileSync('tar', ['-I', 'gzip -1', '-cf', file, '--owner=0', '--group=0', 'trivy', 'LICENSE', 'README.md'], {
        cwd: root,
      })
      rmSync(root, { recursive: true })
    }
    writeFileSync(stamp, from)
  }
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex')
  return { tool, version, binary, path: assetPath(tool, version, asset), file, sha256 }
}

/** For the global setup: packs what changed and describes every release (the tier reads it from VOUCH_E2E_RELEASES). */
export function packReleases(): Record<Released, ReleasedTool> {
  return { trivy: pack('trivy'), cosign: pack('cosign'), cosignV2: pack('cosignV2') }
}

/** The releases the global setup packed. */
export function releases(): Record<Released, ReleasedTool> {
  const packed = process.env.VOUCH_E2E_RELEASES
  if (packed === undefined) throw new Error('VOUCH_E2E_RELEASES is not set: run the tier with npm run test:e2e')
  return JSON.parse(packed) as Record<Released, ReleasedTool>
}

/** URL path -> bytes, for startMirror. */
export function releaseAssets(): Map<string, Buffer> {
  return new Map(Object.values(releases()).map((release) => [release.path, readFileSync(release.file)]))
}
