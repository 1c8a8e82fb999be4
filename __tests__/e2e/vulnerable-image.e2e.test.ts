// A vulnerable image with the real tools: the gate fails on Trivy's real findings, nothing is signed, and the real
// cosign finds no signature; in audit mode the step passes and still nothing is signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignVerify, cosignVerifyAttestation } from './support/cosign.js'
import { signedAnnotations } from './support/contract.js'
import { expectedCounts, pushAlpine, VULNERABLE } from './support/images.js'
import { releases } from './support/releases.js'
import { runVouch, startE2eWorld, type E2eWorld, type VouchRun } from './support/world.js'

let world: E2eWorld
let enforced: { image: string; run: VouchRun }
let audited: { image: string; run: VouchRun }

beforeAll(async () => {
  world = await startE2eWorld()
  const host = world.registry.host
  const first = await pushAlpine(host, 'app/vulnerable', '1.0', VULNERABLE)
  // The same content under another repository, so the audit run's (absent) signature cannot be the first run's.
  const second = await pushAlpine(host, 'app/vulnerable-audit', '1.0', VULNERABLE)
  enforced = {
    image: `${host}/app/vulnerable@${first.digest}`,
    run: await runVouch(world, { image: `${host}/app/vulnerable:1.0` }),
  }
  audited = {
    image: `${host}/app/vulnerable-audit@${second.digest}`,
    run: await runVouch(world, { image: `${host}/app/vulnerable-audit:1.0`, enforce: 'false' }),
  }
})
afterAll(async () => world?.close())

/** cosign verify's "no signatures" answer: exit 10 (cosign cmd/cosign/errors: NoMatchingSignature… codes). */
async function expectNoSignature(image: string): Promise<void> {
  const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version))
  expect(verified.exitCode, verified.stderr).toBe(10)
  expect(verified.stderr).toContain('no signatures found')
  const attested = await cosignVerifyAttestation(world.key, image)
  expect(attested.exitCode).not.toBe(0)
  expect(attested.stderr).toContain('no matching attestations')
}

describe('a vulnerable image with the real Trivy and cosign', () => {
  it('fails the step with verdict failed and the counts the test DB holds for it', () => {
    const { run } = enforced
    expect(run.exitCode).toBe(1)
    const counts = expectedCounts(VULNERABLE)
    expect(counts).toMatchObject({ critical: 1, high: 1 })
    expect(run.outputs).toMatchObject({
      'scan-status': 'failed',
      image: enforced.image,
      critical: String(counts.critical),
      high: String(counts.high),
      medium: String(counts.medium),
      low: String(counts.low),
      signed: 'false',
      attested: 'false',
      annotation: 'security.example.com/scan-status=failed',
    })
    expect(run.errors.join('\n')).toMatch(/critical/i)
  })

  it('is not signed: the real cosign verify reports no signatures', async () => {
    await expectNoSignature(enforced.image)
  })

  it('in audit mode the step passes, the verdict stays failed, and nothing is signed', async () => {
    const { run } = audited
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'failed', signed: 'false', attested: 'false' })
    expect(run.outputs.critical).toBe(String(expectedCounts(VULNERABLE).critical))
    await expectNoSignature(audited.image)
  })
})
