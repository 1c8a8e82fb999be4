// The runner tool cache keeps only the verified release asset; every use hashes a private copy of it against the
// expected sha256 before unpacking. Forged executables, forged `.vouch-verified.json` records and changed assets in
// the cache never run: the marker file that a forged tool would create never appears.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { runnerPlatform } from '../../src/tools/assets.js'
import { installTools, type InstallToolsOptions, type ToolsInputs } from '../../src/tools/install.js'
import { startMirror, type Mirror } from '../support/mirror.js'
import { toolFixture } from '../support/tools.js'
import { executablesUnder, useRunnerDirs, useStdout } from './installer-env.js'
import { markerScript, plantForgedInstall, poisonedTrivyArchive } from './poison.js'

const platform = runnerPlatform()
const fixture = toolFixture({ platform })
const TOOLS = {
  trivy: { ...fixture.trivy, tool: 'trivy', version: 'v0.74.99', binary: 'trivy' },
  cosign: { ...fixture.cosign, tool: 'cosign', version: 'v3.0.99', binary: 'cosign' },
} as const
type Tool = keyof typeof TOOLS

let mirror: Mirror
const dirs = useRunnerDirs()
const stdout = useStdout()
beforeAll(async () => {
  mirror = await startMirror(fixture.assets)
})
beforeEach(() => {
  mirror.requests.length = 0
})
afterAll(() => mirror.close())

const OPTIONS: InstallToolsOptions = { platform, retry: { attempts: 1, baseDelayMs: 1 } }
const inputs = (overrides: Partial<ToolsInputs> = {}): ToolsInputs => ({
  trivy: { version: fixture.inputs['trivy-version'], sha256: fixture.inputs['trivy-sha256'] },
  cosign: { version: fixture.inputs['cosign-version'], sha256: fixture.inputs['cosign-sha256'] },
  toolsMirror: mirror.url,
  cache: false,
  ...overrides,
})

/** The tool-cache entry of a stand-in: `<tool>/<version>/<os>-<arch>-<sha256>`. */
const entry = (tool: Tool): string =>
  join(dirs().toolCache, tool, TOOLS[tool].version.slice(1), `${platform.os}-${platform.arch}-${TOOLS[tool].sha256}`)
const cachedAsset = (tool: Tool): string => join(entry(tool), TOOLS[tool].name)
const marker = (): string => join(dirs().root, 'forged-tool-ran')
const requestsFor = (tool: Tool): number =>
  mirror.requests.filter((request) => request.path === TOOLS[tool].path).length

describe('what the tool cache holds', () => {
  test('the release asset itself, not executable; the tool runs from a copy unpacked under RUNNER_TEMP', async () => {
    const { trivy, cosign } = await installTools(inputs(), OPTIONS)
    for (const tool of ['trivy', 'cosign'] as const) {
      expect(readdirSync(entry(tool))).toEqual([TOOLS[tool].name])
      expect(readFileSync(cachedAsset(tool))).toEqual(TOOLS[tool].bytes)
    }
    expect(executablesUnder(dirs().toolCache)).toEqual([])
    expect(trivy.path.startsWith(`${dirs().temp}/`)).toBe(true)
    expect(cosign!.path.startsWith(`${dirs().temp}/`)).toBe(true)
  })

  test('a warm cache: zero mirror requests, each asset re-hashed and unpacked into a new directory', async () => {
    const first = await installTools(inputs(), OPTIONS)
    const before = mirror.requests.length
    const second = await installTools(inputs(), OPTIONS)
    expect(mirror.requests.length).toBe(before)
    expect([second.trivy.fromCache, second.cosign?.fromCache]).toEqual(['tool-cache', 'tool-cache'])
    expect(second.trivy.path).not.toBe(first.trivy.path)
    expect(readFileSync(second.cosign!.path)).toEqual(fixture.cosign.bytes)
    expect(stdout.lines()).toContain(
      `trivy v0.74.99: found in the runner tool cache; asset sha256 re-verified against the \`trivy-sha256\` hash`,
    )
    expect(stdout.warnings()).toEqual([])
  })
})

describe('a poisoned tool cache never runs', () => {
  const forged = (tool: Tool, version = TOOLS[tool].version): Buffer =>
    tool === 'trivy' ? poisonedTrivyArchive(marker(), version) : Buffer.from(markerScript(marker(), version))

  test.each(['trivy', 'cosign'] as const)(
    'a %s asset whose bytes were replaced is discarded with a warning; downloaded again, the entry replaced',
    async (tool) => {
      await installTools(inputs(), OPTIONS)
      writeFileSync(cachedAsset(tool), forged(tool))
      const before = requestsFor(tool)
      const installed = (await installTools(inputs(), OPTIONS))[tool]!
      expect(existsSync(marker())).toBe(false)
      expect(installed.fromCache).toBe(false)
      expect(requestsFor(tool)).toBe(before + 1)
      expect(readFileSync(cachedAsset(tool))).toEqual(TOOLS[tool].bytes)
      expect(stdout.warnings()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::warning::${tool} ${TOOLS[tool].version}: not using the tool cache entry ${entry(tool)}: ` +
              `it has sha256 [0-9a-f]{64}, but the \`${tool}-sha256\` sha256 is ${TOOLS[tool].sha256}$`,
          ),
        ),
      ])
    },
  )

  test('a cached asset with one changed byte is discarded too', async () => {
    await installTools(inputs({ cosign: undefined }), OPTIONS)
    const bytes = Buffer.from(TOOLS.trivy.bytes)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1
    writeFileSync(cachedAsset('trivy'), bytes)
    expect((await installTools(inputs({ cosign: undefined }), OPTIONS)).trivy.fromCache).toBe(false)
    expect(stdout.warnings()).toHaveLength(1)
  })

  // The reviewer's case: someone who can write the tool cache replaces the executable AND rewrites its record.
  test.each([
    ['beside the genuine asset: ignored, the tool comes from the re-hashed asset', 'genuine', 'tool-cache', 0, 0],
    ['with the asset replaced too: a warning, downloaded again', 'replaced', false, 1, 1],
    ['in an entry with no asset (an older layout): downloaded again, no warning', 'absent', false, 1, 0],
  ] as const)('a forged executable with a forged record %s', async (_, assetState, fromCache, downloads, warnings) => {
    for (const tool of ['trivy', 'cosign'] as const) {
      mkdirSync(entry(tool), { recursive: true })
      writeFileSync(`${entry(tool)}.complete`, '')
      plantForgedInstall(entry(tool), TOOLS[tool], marker())
      if (assetState === 'genuine') writeFileSync(cachedAsset(tool), TOOLS[tool].bytes)
      if (assetState === 'replaced') writeFileSync(cachedAsset(tool), forged(tool))
    }
    // installTools runs `trivy --version` and `cosign version` on what it installed.
    const installed = await installTools(inputs(), OPTIONS)
    expect(existsSync(marker())).toBe(false)
    for (const tool of ['trivy', 'cosign'] as const) {
      expect(installed[tool]!.fromCache).toBe(fromCache)
      expect(installed[tool]!.path.startsWith(entry(tool))).toBe(false)
      expect(requestsFor(tool)).toBe(downloads)
    }
    expect(stdout.warnings()).toHaveLength(2 * warnings)
  })

  test('a link in place of the asset is not followed: a warning, downloaded again', async () => {
    await installTools(inputs({ cosign: undefined }), OPTIONS)
    const elsewhere = join(dirs().root, 'elsewhere.tar.gz')
    writeFileSync(elsewhere, TOOLS.trivy.bytes)
    rmSync(cachedAsset('trivy'))
    symlinkSync(elsewhere, cachedAsset('trivy'))
    expect((await installTools(inputs({ cosign: undefined }), OPTIONS)).trivy.fromCache).toBe(false)
    expect(stdout.warnings().join('\n')).toContain('is not a regular file')
    expect(lstatSync(cachedAsset('trivy')).isFile()).toBe(true)
  })

  test('an entry left under the plain tool-cache key by someone else is never looked at', async () => {
    const foreign = join(dirs().toolCache, 'trivy', '0.74.99', 'x64')
    plantForgedInstall(foreign, TOOLS.trivy, marker())
    writeFileSync(join(foreign, TOOLS.trivy.name), forged('trivy'))
    writeFileSync(`${foreign}.complete`, '')
    const { trivy } = await installTools(inputs({ cosign: undefined }), OPTIONS)
    expect(existsSync(marker())).toBe(false)
    expect(trivy.fromCache).toBe(false)
    expect(stdout.warnings()).toEqual([])
  })
})
