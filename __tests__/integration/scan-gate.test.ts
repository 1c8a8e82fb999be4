import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { newRunner } from '../harness/run-action.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { commands, fixtures, pushImage, pushIndex, reports, runScenario, startWorld, type World } from './world.js'

let world: World
let single: { digest: string }
let index: { digest: string; platforms: Record<string, string> }

beforeAll(async () => {
  world = await startWorld()
  single = await pushImage(world.registry.host, 'team/app', '1.0')
  index = await pushIndex(world.registry.host, 'team/multi', '2.0', ['linux/amd64', 'linux/arm64'], {
    withAttestation: true,
  })
})
afterAll(async () => world.close())

const image = () => `${world.registry.host}/team/app:1.0`

describe('a tag is resolved once and only the digest is used', () => {
  test('passed: outputs name the digest the registry holds, and Trivy scanned that digest', async () => {
    const run = await runScenario(world, image(), { inputs: { sign: 'false' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({
      'scan-status': 'passed',
      image: `${world.registry.host}/team/app@${single.digest}`,
      digest: single.digest,
      critical: '0',
      high: '0',
      medium: '4',
      low: '0',
      unknown: '0',
      fixable: '4',
      ignored: '0',
      signed: 'false',
      annotation: 'security.example.com/scan-status=passed',
      'pod-annotations': '{"security.example.com/scan-status":"passed"}',
      'trivy-version': 'v0.74.99',
    })
    const scans = run.invocations.filter((call) => call.tool === 'trivy' && call.argv[0] === 'image')
    expect(scans).toHaveLength(1)
    expect(scans[0]?.argv.at(-1)).toBe(`${world.registry.host}/team/app@${single.digest}`)
    expect(scans[0]?.argv).toContain('--insecure')
    expect(scans[0]?.argv).not.toContain('--severity')
    expect(run.outputs['db-updated-at']).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(commands(run).filter((command) => command.startsWith('cosign'))).toEqual([])
  })

  test('every output the contract names is written', async () => {
    const run = await runScenario(world, image(), { inputs: { sign: 'false' } })
    const spec = (await import('../harness/run-action.js')).readActionYaml
    expect(Object.keys(run.outputs).sort()).toEqual(Object.keys((await spec()).outputs).sort())
  })
})

describe('the gate', () => {
  test('failed: CRITICAL over budget fails the step, names the breach, and nothing is signed', async () => {
    const run = await runScenario(world, image(), { reports: { default: reports.critical } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'failed', critical: '2', medium: '4', signed: 'false' })
    expect(run.errors.join('\n')).toMatch(/2 CRITICAL \(budget 0\)/)
    expect(commands(run)).not.toContain('cosign sign')
    expect(commands(run)).not.toContain('cosign attest')
  })

  test('a budget equal to the count passes', async () => {
    const run = await runScenario(world, image(), {
      reports: { default: reports.critical },
      inputs: { 'max-critical': '2', sign: 'false' },
    })
    expect(run.outputs['scan-status']).toBe('passed')
    expect(run.exitCode).toBe(0)
  })

  test('audit mode: a failed verdict is a warning, the step passes, and nothing is signed', async () => {
    const run = await runScenario(world, image(), {
      reports: { default: reports.critical },
      inputs: { enforce: 'false' },
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['scan-status']).toBe('failed')
    expect(run.warnings.join('\n')).toMatch(/audit mode/)
    expect(commands(run)).not.toContain('cosign sign')
  })

  test('ignore-unfixed sets aside the finding without a fix', async () => {
    const run = await runScenario(world, image(), {
      reports: { default: reports.debian },
      inputs: { 'max-critical': '1', 'max-low': '0', 'ignore-unfixed': 'true', sign: 'false' },
    })
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', critical: '1', low: '0', ignored: '1' })
  })
})

describe('the Trivy DB cache', () => {
  test('a cached DB whose NextUpdate would freeze it is discarded and downloaded again', async () => {
    const runner = await newRunner()
    const db = path.join(runner.temp, 'vouch-trivy-cache', 'db')
    await mkdir(db, { recursive: true })
    const forged = { Version: 2, UpdatedAt: '2026-11-01T00:00:00Z', NextUpdate: '2036-11-01T00:00:00Z' }
    await writeFile(path.join(db, 'metadata.json'), JSON.stringify(forged))
    const run = await runScenario(world, image(), { runner, inputs: { cache: 'true', sign: 'false' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.warnings.join('\n')).toMatch(/Not using the Trivy DB restored from the cache: its NextUpdate/)
    expect(run.outputs['db-updated-at']).not.toBe(forged.UpdatedAt)
    const fresh = JSON.parse(await readFile(path.join(db, 'metadata.json'), 'utf8')) as { UpdatedAt: string }
    expect(fresh.UpdatedAt).toBe(run.outputs['db-updated-at'])
  })
  test('a cached Java DB whose NextUpdate would freeze it is discarded too', async () => {
    const runner = await newRunner()
    const javaDb = path.join(runner.temp, 'vouch-trivy-cache', 'java-db')
    await mkdir(javaDb, { recursive: true })
    const forged = { Version: 1, UpdatedAt: '2026-11-01T00:00:00Z', NextUpdate: '2036-11-01T00:00:00Z' }
    await writeFile(path.join(javaDb, 'metadata.json'), JSON.stringify(forged))
    await writeFile(path.join(javaDb, 'trivy-java.db'), 'forged')
    const run = await runScenario(world, image(), { runner, inputs: { cache: 'true', sign: 'false' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.warnings.join('\n')).toMatch(/Not using the Trivy Java DB restored from the cache: its NextUpdate/)
    expect(existsSync(path.join(javaDb, 'metadata.json'))).toBe(false)
  })
})

describe('errors are errors, never passes or policy failures', () => {
  test('DB rate limit with no cached DB: error verdict, step fails, remedy in the summary', async () => {
    const run = await runScenario(world, image(), {
      env: { VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.outputs.annotation).toBe('security.example.com/scan-status=error')
    expect(run.summary).toMatch(/db-repository/)
    // The step's failure names the cause and the remedy, once each.
    const failure = run.errors.find((line) => line.startsWith('vouch reached no verdict')) ?? ''
    expect(failure).toMatch(/TOOMANYREQUESTS|rate/i)
    expect(failure.match(/db-repository/g)).toHaveLength(1)
    expect(commands(run)).not.toContain('cosign sign')
  })

  test('a malformed report is an error', async () => {
    const run = await runScenario(world, image(), { env: { VOUCH_FAKE_TRIVY_FAIL: 'malformed' } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.errors.join('\n')).toMatch(/not valid JSON/)
  })

  test('a report for another digest is an error', async () => {
    // A real report of another image (alpine@sha256:451e…), written as Trivy wrote it.
    const run = await runScenario(world, image(), {
      reports: { default: `${fixtures}/trivy/json/trivy-action/with-trivy-yaml-cfg/report.json` },
      env: { VOUCH_FAKE_TRIVY_KEEP_ARTIFACT: '1' },
    })
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toMatch(/sha256:451eee8b/)
  })

  test('a missing tag is an error naming the registry message', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/app:nope`)
    expect(run.exitCode).toBe(1)
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.errors.join('\n')).toMatch(/manifest unknown/i)
    expect(run.invocations).toEqual([])
  })
})

describe('a two-platform index', () => {
  test('is scanned once per platform, attestation manifests skipped, findings merged', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/multi:2.0`, {
      reports: { 'linux/amd64': reports.mediumOnly, 'linux/arm64': reports.critical },
      inputs: { 'max-critical': '', sign: 'false' },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const scans = run.invocations.filter((call) => call.tool === 'trivy' && call.argv[0] === 'image')
    const platforms = scans.map((call) => call.argv[call.argv.indexOf('--platform') + 1]).sort()
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64'])
    for (const scan of scans) expect(scan.argv.at(-1)).toBe(`${world.registry.host}/team/multi@${index.digest}`)
    // alpine 3.10 and 3.9 share no finding identity, so the counts add up; each CVE names its platform.
    expect(run.outputs).toMatchObject({ critical: '2', digest: index.digest })
    const merged = JSON.parse(await readFile(run.outputs['json-report'] ?? '', 'utf8')) as { Platforms: string[] }
    expect(merged.Platforms.sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(run.summary).toContain('linux/arm64')
  })

  test('an index with a platform left out passes but is not signed: its signature would cover arm64 too', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/multi:2.0`, {
      reports: { 'linux/amd64': reports.mediumOnly },
      inputs: { platforms: 'linux/amd64' },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'false', attested: 'false' })
    expect(run.warnings.join('\n')).toMatch(/linux\/arm64.*not scanned/)
    expect(commands(run)).not.toContain('cosign sign')
  })

  test('a platform the index lacks is an error naming platforms', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/multi:2.0`, {
      inputs: { platforms: 'linux/s390x', sign: 'false' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toMatch(/`platforms`/)
    expect(run.invocations.filter((call) => call.argv[0] === 'image')).toEqual([])
  })
})
