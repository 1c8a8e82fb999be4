import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { newRunner } from '../harness/run-action.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pushEntries } from '../support/push.js'
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
  test('each image is scanned by its own digest, never --platform; attestation manifests skipped; findings merged', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/multi:2.0`, {
      reports: { [digestOf('linux/amd64')]: reports.mediumOnly, [digestOf('linux/arm64')]: reports.critical },
      inputs: { 'max-critical': '', sign: 'false' },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const scans = trivyScans(run)
    expect(scans.map((call) => call.argv.at(-1))).toEqual([
      `${world.registry.host}/team/multi@${digestOf('linux/amd64')}`,
      `${world.registry.host}/team/multi@${digestOf('linux/arm64')}`,
    ])
    for (const scan of scans) expect(scan.argv).not.toContain('--platform')
    // alpine 3.10 and 3.9 share no finding identity, so the counts add up; each CVE names its platform.
    expect(run.outputs).toMatchObject({ critical: '2', digest: index.digest })
    const merged = JSON.parse(await readFile(run.outputs['json-report'] ?? '', 'utf8')) as {
      Platforms: string[]
      Images: { Platform: string; Digest: string }[]
    }
    expect(merged.Platforms.sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(merged.Images.map((image) => image.Digest).sort()).toEqual(
      [digestOf('linux/amd64'), digestOf('linux/arm64')].sort(),
    )
    expect(run.summary).toContain('linux/arm64')
  })

  test('an index with a platform left out passes but is not signed: its signature would cover arm64 too', async () => {
    const run = await runScenario(world, `${world.registry.host}/team/multi:2.0`, {
      reports: { [digestOf('linux/amd64')]: reports.mediumOnly },
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

describe('an index that says less, or other, than it seems', () => {
  test('two linux/amd64 images are two Trivy runs, each by its digest, with two report files', async () => {
    const pushed = await pushEntries(world.registry.host, 'team/twins', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/amd64' },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/twins:1`)
    expect(run.exitCode, run.stdout).toBe(0)
    expect(trivyScans(run).map((call) => call.argv.at(-1))).toEqual(
      pushed.entries.map((digest) => `${world.registry.host}/team/twins@${digest}`),
    )
    const outputs = trivyScans(run).map((call) => call.argv[call.argv.indexOf('--output') + 1])
    expect(outputs.map((file) => path.basename(file ?? ''))).toEqual(
      pushed.entries.map((digest) => `trivy-${digest.slice('sha256:'.length)}.json`),
    )
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'true' })
  })

  test('a vulnerable second linux/amd64 image fails the index, and nothing is signed', async () => {
    const pushed = await pushEntries(world.registry.host, 'team/twins-bad', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/amd64' },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/twins-bad:1`, {
      reports: { [pushed.entries[0] ?? '']: reports.clean, [pushed.entries[1] ?? '']: reports.critical },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'failed', critical: '2', signed: 'false', attested: 'false' })
    expect(trivyScans(run)).toHaveLength(2)
    expect(commands(run)).not.toContain('cosign sign')
    // The findings name which of the two images they are on.
    expect(run.summary).toContain(`linux/amd64 (${pushed.entries[1]?.slice(0, 19)})`)
  })

  test('an image entry without a platform is scanned, and a finding there fails the index', async () => {
    const pushed = await pushEntries(world.registry.host, 'team/no-platform', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/arm64', entryPlatform: null },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/no-platform:1`, {
      reports: { [pushed.entries[0] ?? '']: reports.clean, [pushed.entries[1] ?? '']: reports.critical },
    })
    expect(trivyScans(run).map((call) => call.argv.at(-1))).toEqual(
      pushed.entries.map((digest) => `${world.registry.host}/team/no-platform@${digest}`),
    )
    expect(run.outputs).toMatchObject({ 'scan-status': 'failed', signed: 'false' })
    expect(commands(run)).not.toContain('cosign sign')
  })

  test('an image merely annotated as an attestation manifest is an image: scanned, or it keeps the index unsigned', async () => {
    const attestation = { 'vnd.docker.reference.type': 'attestation-manifest' }
    const pushed = await pushEntries(world.registry.host, 'team/disguised', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/amd64', annotations: attestation },
      { image: 'linux/amd64', entryPlatform: { os: 'unknown', architecture: 'unknown' }, annotations: attestation },
    ])
    const failing = await runScenario(world, `${world.registry.host}/team/disguised:1`, {
      reports: { default: reports.clean, [pushed.entries[1] ?? '']: reports.critical },
    })
    // A linux image is scanned whatever its annotation says.
    expect(trivyScans(failing).map((call) => call.argv.at(-1))).toEqual(
      pushed.entries.slice(0, 2).map((digest) => `${world.registry.host}/team/disguised@${digest}`),
    )
    expect(failing.outputs).toMatchObject({ 'scan-status': 'failed', signed: 'false' })
    // An unknown/unknown one that is about no image of the index is an image vouch does not scan: never signed.
    const passing = await runScenario(world, `${world.registry.host}/team/disguised:1`, {
      reports: { default: reports.clean },
    })
    expect(passing.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'false' })
    expect(passing.warnings.join('\n')).toContain('unknown/unknown')
    expect(commands(passing)).not.toContain('cosign sign')
  })

  test('an image entry without a platform that cannot be scanned leaves the index unsigned', async () => {
    await pushEntries(world.registry.host, 'team/no-platform-crash', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/arm64', entryPlatform: null },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/no-platform-crash:1`, {
      env: { VOUCH_FAKE_TRIVY_FAIL: 'crash' },
    })
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false' })
    expect(commands(run)).not.toContain('cosign sign')
  })

  test('linux/arm/v7 next to an architecture spelt arm-v7: refused, naming the index, nothing scanned or signed', async () => {
    const pushed = await pushEntries(world.registry.host, 'team/arm', '1', [
      { image: 'linux/arm/v7' },
      { image: 'linux/arm/v7', entryPlatform: { os: 'linux', architecture: 'arm-v7' } },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/arm:1`, {
      reports: { [pushed.entries[0] ?? '']: reports.clean, [pushed.entries[1] ?? '']: reports.critical },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false' })
    expect(run.errors.join('\n')).toContain(`The index ${pushed.digest}`)
    expect(run.errors.join('\n')).toContain('"arm-v7"')
    expect(trivyScans(run)).toEqual([])
  })

  test('an entry that claims to be an image but is an index itself: refused, nothing scanned or signed', async () => {
    const nested = await pushIndex(world.registry.host, 'team/nested', 'inner', ['linux/amd64', 'linux/arm64'])
    const pushed = await pushEntries(world.registry.host, 'team/nested', '1', [
      { image: 'linux/amd64', manifest: { ...nested, mediaType: 'application/vnd.oci.image.manifest.v1+json' } },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/nested:1`)
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false' })
    expect(run.errors.join('\n')).toContain(`The index ${pushed.digest} lists ${nested.digest} as an image`)
    expect(trivyScans(run)).toEqual([])
  })

  test('an architecture carrying a workflow command forges nothing in the log', async () => {
    const pushed = await pushEntries(world.registry.host, 'team/forged', '1', [
      { image: 'linux/amd64', entryPlatform: { os: 'linux', architecture: 'amd64\n::error::forged by the registry' } },
    ])
    const run = await runScenario(world, `${world.registry.host}/team/forged:1`)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false' })
    expect(run.errors.filter((line) => line.startsWith('forged'))).toEqual([])
    expect(run.stdout.split('\n').filter((line) => /^\s*::error::forged/.test(line))).toEqual([])
    expect(run.errors.join('\n')).toContain(`The index ${pushed.digest}`)
  })
})

function trivyScans(run: Awaited<ReturnType<typeof runScenario>>) {
  return run.invocations.filter((call) => call.tool === 'trivy' && call.argv[0] === 'image')
}

function digestOf(platform: string): string {
  return index.platforms[platform] ?? ''
}
