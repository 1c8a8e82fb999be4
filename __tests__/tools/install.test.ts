// installTool / installTools against the loopback mirror serving stand-in trivy and cosign archives.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { DownloadError, InputError, IntegrityError } from '../../src/errors.js'
import { exec } from '../../src/exec.js'
import { assetPath, runnerPlatform } from '../../src/tools/assets.js'
import { installTool, installTools, type InstallToolsOptions, type ToolsInputs } from '../../src/tools/install.js'
import { planTool } from '../../src/tools/plan.js'
import { startMirror, type Mirror, type MirrorFault } from '../support/mirror.js'
import { packTrivy, toolFixture, trivyLabels, type PackedAsset } from '../support/tools.js'
import { executablesUnder, fakeCalls, filesUnder, useRunnerDirs } from './installer-env.js'
import { rejection } from '../support/rejection.js'

const platform = runnerPlatform()
const fixture = toolFixture({ platform })
const labels = trivyLabels(platform)
const special = {
  traversal: { version: 'v0.74.97', asset: packTrivy('v0.74.97', { ...labels, traversal: true }) },
  noBinary: { version: 'v0.74.96', asset: packTrivy('v0.74.96', { ...labels, omitBinary: true }) },
  wrongVersion: { version: 'v0.74.95', asset: packTrivy('v0.74.95', { ...labels, reportedVersion: 'v0.74.94' }) },
  pinned: { version: 'v0.74.0', asset: packTrivy('v0.74.0', labels) },
}
const trivyPath = fixture.trivy.path
const cosignPath = fixture.cosign.path

let mirror: Mirror
const dirs = useRunnerDirs()
beforeAll(async () => {
  const assets = new Map(fixture.assets)
  for (const { version, asset } of Object.values(special))
    assets.set(assetPath('trivy', version, asset.name), asset.bytes)
  mirror = await startMirror(assets)
})
beforeEach(() => {
  for (const path of [trivyPath, cosignPath]) mirror.setFault(path, undefined)
  mirror.requests.length = 0
})
afterAll(() => mirror.close())

const OPTIONS: InstallToolsOptions = { platform, retry: { attempts: 2, baseDelayMs: 1 }, readTimeoutMs: 150 }
const inputs = (overrides: Partial<ToolsInputs> = {}): ToolsInputs => ({
  trivy: { version: fixture.inputs['trivy-version'], sha256: fixture.inputs['trivy-sha256'] },
  cosign: { version: fixture.inputs['cosign-version'], sha256: fixture.inputs['cosign-sha256'] },
  toolsMirror: mirror.url,
  cache: false,
  ...overrides,
})
const trivyOnly = (version: string, asset: PackedAsset): Partial<ToolsInputs> => ({
  trivy: { version, sha256: asset.sha256 },
  cosign: undefined,
})

describe('installTools from the mirror', () => {
  test('hands each tool over once its own identity check passed, with the environment meant for it', async () => {
    const events: string[] = []
    const recording =
      (label: string): typeof exec =>
      async (command, args, options) => {
        events.push(`${label}: ${args.join(' ')}`)
        return exec(command, args, options)
      }
    const installed = await installTools(inputs(), {
      ...OPTIONS,
      exec: { trivy: recording('trivy exec'), cosign: recording('cosign exec') },
      onReady: (tool) => events.push(`ready: ${tool.tool}`),
    })
    expect(events.filter((event) => event.includes('cosign'))).toEqual(['cosign exec: version', 'ready: cosign'])
    expect(events.filter((event) => event.includes('trivy'))).toEqual(['trivy exec: --version', 'ready: trivy'])
    expect(Object.keys(installed).sort()).toEqual(['cosign', 'trivy'])
  })

  test('installs both stand-ins under RUNNER_TEMP from the verified assets, checks their versions, and they run', async () => {
    const { trivy, cosign } = await installTools(inputs(), OPTIONS)
    const { temp, log } = dirs()
    expect(trivy).toEqual({
      tool: 'trivy',
      version: 'v0.74.99',
      path: expect.stringMatching(new RegExp(`^${temp}/vouch-trivy-\\w+/bin/trivy$`)),
      sha256: fixture.trivy.sha256,
      fromCache: false,
    })
    expect(cosign).toMatchObject({
      tool: 'cosign',
      version: 'v3.0.99',
      path: expect.stringMatching(new RegExp(`^${temp}/vouch-cosign-\\w+/bin/cosign$`)),
      sha256: fixture.cosign.sha256,
      fromCache: false,
    })
    expect(readFileSync(cosign!.path)).toEqual(fixture.cosign.bytes)
    expect(fakeCalls(log).map((call) => [call.tool, call.argv])).toEqual(
      expect.arrayContaining([
        ['trivy', ['--version']],
        ['cosign', ['version']],
      ]),
    )
    expect((await exec(trivy.path, ['--version'])).stdout).toBe('Version: 0.74.99\n')
    // The two executables are the ones returned; the downloaded asset copies are gone from RUNNER_TEMP.
    expect(executablesUnder(dirs().root).sort()).toEqual([trivy.path, cosign!.path].sort())
    expect(filesUnder(temp).filter((path) => path.endsWith(fixture.trivy.name))).toEqual([])
  })

  test('downloads trivy and cosign at the same time', async () => {
    mirror.setFault(trivyPath, 'slow')
    mirror.setFault(cosignPath, 'slow')
    await installTools(inputs(), { ...OPTIONS, readTimeoutMs: 5000 })
    const trivy = mirror.requests.find((request) => request.path === trivyPath)!
    const cosign = mirror.requests.find((request) => request.path === cosignPath)!
    expect(trivy.start).toBeLessThan(cosign.end)
    expect(cosign.start).toBeLessThan(trivy.end)
  })

  test.each(['429', '500-then-200'] as MirrorFault[])('recovers from %s', async (fault) => {
    mirror.setFault(trivyPath, fault)
    const { trivy } = await installTools(inputs(), OPTIONS)
    expect(trivy.sha256).toBe(fixture.trivy.sha256)
    expect(mirror.requests.filter((request) => request.path === trivyPath).map((request) => request.status)).toEqual([
      fault === '429' ? 429 : 500,
      200,
    ])
  })

  test.each([
    ['wrong-bytes', IntegrityError, `has sha256 `],
    ['truncated', DownloadError, 'after 2 attempts'],
    ['stalled', DownloadError, 'the download stalled'],
    ['404', DownloadError, 'HTTP 404'],
  ] as [MirrorFault, typeof Error, string][])(
    'cosign %s fails; no cosign file is left or executable, and nothing ran',
    async (fault, kind, message) => {
      mirror.setFault(cosignPath, fault)
      const error = await rejection(installTools(inputs(), OPTIONS), Error)
      expect(error).toBeInstanceOf(kind)
      expect(error.message).toContain(message)
      expect(error.message).toContain(`${mirror.url}${cosignPath}`)
      const { root, log } = dirs()
      // trivy, verified, installs in parallel and may be asked its version; cosign never runs.
      const calls = fakeCalls(log)
      expect(calls.filter((call) => call.tool === 'cosign')).toEqual([])
      expect(calls.map((call) => [call.tool, call.argv])).toEqual(calls.length === 0 ? [] : [['trivy', ['--version']]])
      expect(filesUnder(root).filter((path) => path.includes('cosign'))).toEqual([])
      expect(executablesUnder(root).filter((path) => path.includes('cosign'))).toEqual([])
    },
  )

  test('wrong bytes: the IntegrityError names the asset, the expected and the actual hash', async () => {
    mirror.setFault(trivyPath, 'wrong-bytes')
    const error = await rejection(
      installTool(planTool('trivy', inputs().trivy, platform, mirror.url), { ...OPTIONS, cache: false }),
      Error,
    )
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error.message).toMatch(
      new RegExp(
        `^${fixture.trivy.name} from .* has sha256 [0-9a-f]{64}, but the \`trivy-sha256\` sha256 is ${fixture.trivy.sha256}; the file was deleted`,
      ),
    )
    expect(executablesUnder(dirs().root)).toEqual([])
    expect(filesUnder(dirs().temp)).toEqual([])
  })

  test('404 is not retried and the DownloadError carries URL and status', async () => {
    mirror.setFault(trivyPath, '404')
    const error = await rejection(installTools(inputs({ cosign: undefined }), OPTIONS), Error)
    expect(error).toMatchObject({ name: 'DownloadError', url: `${mirror.url}${trivyPath}`, status: 404 })
    expect(mirror.requests.filter((request) => request.path === trivyPath)).toHaveLength(1)
  })

  test('an archive with a ../ entry is refused before anything is extracted', async () => {
    const { version, asset } = special.traversal
    const error = await rejection(installTools(inputs(trivyOnly(version, asset)), OPTIONS), Error)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error.message).toContain(
      `${asset.name} holds an unsafe entry "../evil" (a ".." path segment); refusing to extract it`,
    )
    expect(filesUnder(dirs().root).filter((path) => path.endsWith('evil'))).toEqual([])
    expect(executablesUnder(dirs().root)).toEqual([])
  })

  test('an archive without the trivy executable is a clear error', async () => {
    const { version, asset } = special.noBinary
    const error = await rejection(installTools(inputs(trivyOnly(version, asset)), OPTIONS), Error)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error.message).toBe(`${asset.name} has no trivy at its top level (entries: LICENSE, README.md)`)
  })

  test('an archive holding another version passes its hash but fails the identity check', async () => {
    const { version, asset } = special.wrongVersion
    const error = await rejection(installTools(inputs(trivyOnly(version, asset)), OPTIONS), Error)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error.message).toMatch(/reports version 0\.74\.94, but trivy v0\.74\.95 was requested/)
  })

  test('a pinned version is checked against the pin: a stand-in can never pass, even with its own hash given', async () => {
    const { version, asset } = special.pinned
    const pinOnly = await rejection(installTools(inputs({ trivy: { version }, cosign: undefined }), OPTIONS), Error)
    expect(pinOnly).toBeInstanceOf(IntegrityError)
    expect(pinOnly.message).toContain('but the pinned sha256 is')
    const withHash = await rejection(installTools(inputs(trivyOnly(version, asset)), OPTIONS), Error)
    expect(withHash.message).toContain('differs from the sha256 vouch pins')
    expect(executablesUnder(dirs().root)).toEqual([])
  })

  test.each([
    ['a refused release', { version: 'v0.69.4', sha256: 'ab'.repeat(32) }, IntegrityError],
    [
      'the malicious hash',
      { version: 'v0.74.99', sha256: '0376b98064636c30f5fbe60fb3b1225516e23e88dd7e909937f81d9265292e7d' },
      IntegrityError,
    ],
    ['an unpinned version without a hash', { version: 'v0.74.99' }, InputError],
  ])('%s is refused before any download, cosign included', async (_, trivy, kind) => {
    const error = await rejection(installTools(inputs({ trivy }), OPTIONS), Error)
    expect(error).toBeInstanceOf(kind)
    expect(mirror.requests).toEqual([])
  })

  test('a missing cosign-sha256 is refused before Trivy downloads', async () => {
    const error = await rejection(installTools(inputs({ cosign: { version: 'v3.0.99' } }), OPTIONS), Error)
    expect(error).toMatchObject({ name: 'InputError', input: 'cosign-sha256' })
    expect(mirror.requests).toEqual([])
  })
})
