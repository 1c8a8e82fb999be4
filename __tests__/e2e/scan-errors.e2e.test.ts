// What the real Trivy does when it cannot scan, and what the action makes of it: an image that does not exist and a
// DB location that does not exist each end in verdict `error`, a failed step and no signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignVerify } from './support/cosign.js'
import { signedAnnotations } from './support/contract.js'
import { PASSING, pushAlpine } from './support/images.js'
import { realTool, REAL_TOOLS, runTool } from './support/real-tools.js'
import { releases } from './support/releases.js'
import { runVouch, startE2eWorld, type E2eWorld } from './support/world.js'

let world: E2eWorld
let host: string

beforeAll(async () => {
  world = await startE2eWorld()
  host = world.registry.host
})
afterAll(async () => world?.close())

function expectErrorVerdict(run: Awaited<ReturnType<typeof runVouch>>): void {
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false', attested: 'false' })
}

describe('an image that does not exist', () => {
  const missing = (): string => `${host}/app/missing@sha256:${'0'.repeat(64)}`

  it('the real Trivy exits 1 with a FATAL line and the registry’s MANIFEST_UNKNOWN', async () => {
    const cache = `${world.toolCache}/trivy-direct`
    const args = ['image', '--format', 'json', '--scanners', 'vuln', '--cache-dir', cache, '--insecure']
    const result = await runTool(realTool('trivy', REAL_TOOLS.trivy), [
      ...args,
      '--db-repository',
      `${host}/trivy-db:2`,
      '--skip-version-check',
      '--disable-telemetry',
      missing(),
    ])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/FATAL\tFatal error\trun error: image scan error: .*unable to initialize .*image/)
    expect(result.stderr).toContain('MANIFEST_UNKNOWN')
    expect(result.stdout).toBe('')
  })

  it('the action ends in verdict error and signs nothing', async () => {
    const run = await runVouch(world, { image: missing() })
    expectErrorVerdict(run)
    expect(run.errors.join('\n')).toContain(`${host}/app/missing`)
  })
})

describe('a DB location that does not exist', () => {
  it('the real Trivy fails on the missing artifact, the action says so, with verdict error and no signature', async () => {
    const pushed = await pushAlpine(host, 'app/no-db', '1.0', PASSING)
    const image = `${host}/app/no-db@${pushed.digest}`
    const run = await runVouch(world, { image, 'db-repository': `${host}/no-such/trivy-db:2` })
    expectErrorVerdict(run)
    const said = run.errors.join('\n')
    expect(said).toContain(`${host}/no-such/trivy-db:2`)
    // Trivy's own words (pkg/oci/artifact.go, go-containerregistry transport): a 404 MANIFEST_UNKNOWN is final.
    expect(run.stdout + run.stderr + said).toContain('MANIFEST_UNKNOWN')
    const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version))
    expect(verified.exitCode).toBe(10)
  })
})
