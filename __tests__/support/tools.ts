// Packs the stand-in trivy and cosign into release assets shaped like the real ones, for the loopback mirror.
// The version is baked into a self-contained copy of the script, so a "wrong version" asset can be made too.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assetPath, runnerPlatform, type RunnerPlatform } from '../../src/tools/assets.js'

const FAKES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fakes')

export interface PackedAsset {
  /** Release asset file name, e.g. `trivy_0.74.99_Linux-64bit.tar.gz`. */
  name: string
  bytes: Buffer
  sha256: string
}

export type TrivyOs = 'Linux' | 'macOS' | 'windows'
export type TrivyArch = '64bit' | 'ARM64'

export interface PackTrivyOptions {
  os?: TrivyOs
  arch?: TrivyArch
  /** Leave `trivy` out of the archive. */
  omitBinary?: boolean
  /** Add an entry whose path really is `../evil`. */
  traversal?: boolean
  /** The version the packed tool reports, when it should differ from the asset's. */
  reportedVersion?: string
}

const bare = (version: string): string => version.replace(/^v/, '')
const dataUrl = (source: string): string => `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`

/**
 * A module's source with each relative `./x.mjs` import replaced by a data: URL of that module (recursively), so
 * the result needs no file beside it.
 */
function inlineModule(file: string): string {
  return readFileSync(join(FAKES, file), 'utf8')
    .replace(/^#!.*\n/, '')
    .replace(
      /(from\s+|import\(\s*)(['"])\.\/([\w.-]+\.mjs)\2/g,
      (_, lead: string, quote: string, name: string) => `${lead}${quote}${dataUrl(inlineModule(name))}${quote}`,
    )
}

/**
 * A self-contained executable script for the stand-in `tool` reporting `version`. The ES modules travel inside as
 * data: URLs, loaded by a launcher that Node runs the same way with or without a package.json nearby.
 */
export function fakeExecutable(tool: 'trivy' | 'cosign', version: string): string {
  const source = inlineModule(`${tool}.mjs`).replace(
    /^export const VERSION = '.*'$/m,
    `export const VERSION = ${JSON.stringify(bare(version))}`,
  )
  return (
    '#!/usr/bin/env node\n' +
    `// vouch stand-in ${tool} ${bare(version)}, packed by __tests__/support/tools.ts from __tests__/fakes/${tool}.mjs\n` +
    `import(${JSON.stringify(dataUrl(source))}).then(\n` +
    '  async (fake) => { process.exitCode = await fake.main(process.argv.slice(2)) },\n' +
    '  (error) => { process.stderr.write(String(error && error.stack || error) + "\\n"); process.exitCode = 70 },\n' +
    ')\n'
  )
}

function packed(name: string, bytes: Buffer): PackedAsset {
  return { name, bytes, sha256: createHash('sha256').update(bytes).digest('hex') }
}

/** A real `trivy_<v>_<os>-<arch>.tar.gz` (or windows `.zip`) holding trivy, LICENSE and README.md, built with system tar/zip. */
export function packTrivy(version: string, options: PackTrivyOptions = {}): PackedAsset {
  const { os = 'Linux', arch = '64bit' } = options
  const windows = os === 'windows'
  const name = `trivy_${bare(version)}_${os}-${arch}.${windows ? 'zip' : 'tar.gz'}`
  const work = mkdtempSync(join(tmpdir(), 'vouch-pack-'))
  try {
    const root = join(work, 'root')
    mkdirSync(root)
    const binary = windows ? 'trivy.exe' : 'trivy'
    const files = ['LICENSE', 'README.md']
    writeFileSync(join(root, 'LICENSE'), 'Apache License\nVersion 2.0, January 2004\n')
    writeFileSync(join(root, 'README.md'), `# Trivy (vouch stand-in ${bare(version)})\n`)
    if (!options.omitBinary) {
      writeFileSync(join(root, binary), fakeExecutable('trivy', options.reportedVersion ?? version))
      chmodSync(join(root, binary), 0o755)
      files.unshift(binary)
    }
    const out = join(work, name)
    if (windows) {
      execFileSync('zip', ['-q', '-X', out, ...files], { cwd: root })
    } else {
      const traversal = options.traversal ? ['evil'] : []
      if (options.traversal) writeFileSync(join(root, 'evil'), 'written outside the extraction directory\n')
      // -P keeps the `../` that --transform puts in, so the entry's stored path really escapes.
      const transform = options.traversal ? ['-P', '--transform', 's,^evil$,../evil,'] : []
      execFileSync(
        'tar',
        ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', ...transform, ...files, ...traversal],
        {
          cwd: root,
          stdio: ['ignore', 'ignore', 'ignore'],
        },
      )
    }
    return packed(name, readFileSync(out))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** A bare `cosign-<os>-<arch>` binary, as cosign releases ship. */
export function packCosign(
  version: string,
  options: { os?: string; arch?: string; reportedVersion?: string } = {},
): PackedAsset {
  const { os = 'linux', arch = 'amd64' } = options
  const name = `cosign-${os}-${arch}${os === 'windows' ? '.exe' : ''}`
  return packed(name, Buffer.from(fakeExecutable('cosign', options.reportedVersion ?? version)))
}

const TRIVY_OS = { linux: 'Linux', darwin: 'macOS', windows: 'windows' } as const

/** The Trivy asset labels for a platform: `{ os: 'Linux', arch: '64bit' }`. */
export function trivyLabels(platform: RunnerPlatform): { os: TrivyOs; arch: TrivyArch } {
  if (platform.arch !== 'amd64' && platform.arch !== 'arm64') throw new Error(`no Trivy stand-in for ${platform.arch}`)
  return { os: TRIVY_OS[platform.os], arch: platform.arch === 'amd64' ? '64bit' : 'ARM64' }
}

export interface ToolFixtureInputs {
  /** Empty until the mirror has started: set it to `mirror.url`. */
  'tools-mirror': string
  'trivy-version': string
  'trivy-sha256': string
  'cosign-version': string
  'cosign-sha256': string
}

export interface ToolFixture {
  /** URL path on the mirror -> asset bytes, ready for `startMirror`. */
  assets: Map<string, Buffer>
  inputs: ToolFixtureInputs
  trivy: PackedAsset & { path: string }
  cosign: PackedAsset & { path: string }
}

/**
 * Stand-in trivy and cosign packed for the current runner, at versions vouch does NOT pin (a stand-in can never
 * match a real pin), with the action inputs that select them by hash.
 */
export function toolFixture(
  options: { trivyVersion?: string; cosignVersion?: string; platform?: RunnerPlatform } = {},
): ToolFixture {
  const { trivyVersion = 'v0.74.99', cosignVersion = 'v3.0.99', platform = runnerPlatform() } = options
  const trivy = packTrivy(trivyVersion, trivyLabels(platform))
  const cosign = packCosign(cosignVersion, { os: platform.os, arch: platform.arch })
  const trivyPath = assetPath('trivy', trivyVersion, trivy.name)
  const cosignPath = assetPath('cosign', cosignVersion, cosign.name)
  return {
    assets: new Map([
      [trivyPath, trivy.bytes],
      [cosignPath, cosign.bytes],
    ]),
    inputs: {
      'tools-mirror': '',
      'trivy-version': trivyVersion,
      'trivy-sha256': trivy.sha256,
      'cosign-version': cosignVersion,
      'cosign-sha256': cosign.sha256,
    },
    trivy: { ...trivy, path: trivyPath },
    cosign: { ...cosign, path: cosignPath },
  }
}
