// Extra release assets for the tool-install integration tests: each case gets its own version (so its own mirror
// path and fault), plus the checks every failed install must pass: nothing ran and nothing is executable.
import { createHash } from 'node:crypto'
import { expect } from 'vitest'
import { assetPath, runnerPlatform } from '../../src/tools/assets.js'
import type { MirrorRequest } from '../support/mirror.js'
import { packCosign, packTrivy, trivyLabels, type PackedAsset, type PackTrivyOptions } from '../support/tools.js'
import { executablesUnder, filesUnder } from '../tools/installer-env.js'
import type { ScenarioRun, World } from './world.js'

export const platform = runnerPlatform()

export interface ServedAsset extends PackedAsset {
  version: string
  /** Path on the mirror. */
  path: string
  /** Full download URL, as the action's messages name it. */
  url: string
}

/** Packs a stand-in Trivy at `version` and serves it from the world's mirror (which reads the same asset map). */
export function serveTrivy(world: World, version: string, options: PackTrivyOptions = {}): ServedAsset {
  const asset = packTrivy(version, { ...trivyLabels(platform), ...options })
  return serve(world, version, asset, assetPath('trivy', version, asset.name))
}

export function serveCosign(world: World, version: string): ServedAsset {
  const asset = packCosign(version, { os: platform.os, arch: platform.arch })
  return serve(world, version, asset, assetPath('cosign', version, asset.name))
}

function serve(world: World, version: string, asset: PackedAsset, path: string): ServedAsset {
  world.tools.assets.set(path, asset.bytes)
  return { ...asset, version, path, url: `${world.mirror.url}${path}` }
}

/** The sha256 of what the mirror's `wrong-bytes` fault sends instead of the asset. */
export function wrongBytesSha256(asset: PackedAsset): string {
  return createHash('sha256')
    .update(asset.bytes.map((byte) => byte ^ 0xff))
    .digest('hex')
}

export function requestsTo(world: World, path: string): MirrorRequest[] {
  return world.mirror.requests.filter((request) => request.path === path)
}

/** Files under the runner's temp and tool cache with an execute bit, optionally only those whose path matches. */
export function executables(run: ScenarioRun, only?: RegExp): string[] {
  const found = [...executablesUnder(run.runner.temp), ...executablesUnder(run.runner.toolCache)]
  return only === undefined ? found : found.filter((path) => only.test(path))
}

export function filesNamed(run: ScenarioRun, name: string): string[] {
  return filesUnder(run.runner.root).filter((path) => path.endsWith(`/${name}`))
}

/**
 * A failed install seen from outside: the step fails with an error verdict, no stand-in ever started (not even
 * for `--version`), and the message says why.
 */
export function expectFailedClosed(
  run: ScenarioRun,
  message: string | RegExp,
  { verifiedMayRun = [] }: { verifiedMayRun?: string[] } = {},
): void {
  expect(run.exitCode, run.stdout).toBe(1)
  expect(run.outputs['scan-status']).toBe('error')
  expect(run.outputs.signed).toBe('false')
  // Nothing ran, unless it is a verified tool's identity check the caller names (it may or may not have started).
  const ran = run.invocations.map((call) => [call.tool, ...call.argv].join(' '))
  expect(ran.filter((command) => !verifiedMayRun.includes(command))).toEqual([])
  const errors = run.errors.join('\n')
  if (typeof message === 'string') expect(errors).toContain(message)
  else expect(errors).toMatch(message)
}
