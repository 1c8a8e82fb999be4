// Both signature formats with the real cosign, no transparency log: the Sigstore bundle (an OCI referrer, here
// through the referrers tag schema since Debian's registry has no referrers API) with cosign v3.0.6, and the legacy
// `.sig` tag with cosign v2.6.1; each verified by the same cosign major that made it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignVerify, cosignVerifyAttestation } from './support/cosign.js'
import { signedAnnotations } from './support/contract.js'
import { PASSING, pushAlpine } from './support/images.js'
import { releases } from './support/releases.js'
import { REAL_TOOLS } from './support/real-tools.js'
import { runVouch, startE2eWorld, type E2eWorld, type VouchRun } from './support/world.js'

let world: E2eWorld
const runs: Record<'bundle' | 'legacyV2', { image: string; run: VouchRun }> = {} as never

beforeAll(async () => {
  world = await startE2eWorld()
  const host = world.registry.host
  const bundle = await pushAlpine(host, 'app/bundle', '1.0', PASSING)
  runs.bundle = {
    image: `${host}/app/bundle@${bundle.digest}`,
    run: await runVouch(world, { image: `${host}/app/bundle:1.0`, 'signature-format': 'bundle' }),
  }
  const legacy = await pushAlpine(host, 'app/legacy-v2', '1.0', PASSING)
  runs.legacyV2 = {
    image: `${host}/app/legacy-v2@${legacy.digest}`,
    run: await runVouch(world, { image: `${host}/app/legacy-v2:1.0`, 'signature-format': 'legacy' }, { cosign: 'v2' }),
  }
})
afterAll(async () => world?.close())

describe('signature-format: bundle with cosign v3.0.6', () => {
  it('passes and signs as a bundle, not as a .sig tag', () => {
    const { run, image } = runs.bundle
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'true', attested: 'true' })
    expect(run.outputs['cosign-version']).toBe(releases().cosign.version)
    expect(run.outputs.signature).not.toMatch(/\.sig$/)
    expect(run.outputs.signature).toContain(image.split('@')[0])
  })

  it('the real cosign v3 verifies the bundle with every signed annotation, and its attestation', async () => {
    const { image } = runs.bundle
    const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version))
    expect(verified.exitCode, verified.stderr).toBe(0)
    const attested = await cosignVerifyAttestation(world.key, image)
    expect(attested.exitCode, attested.stderr).toBe(0)
  })
})

describe('signature-format: legacy with cosign v2.6.1', () => {
  it('passes and signs under the .sig tag beside the image', () => {
    const { run, image } = runs.legacyV2
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', signed: 'true', attested: 'true' })
    expect(run.outputs['cosign-version']).toBe(releases().cosignV2.version)
    const [repository, digest] = image.split('@')
    expect(run.outputs.signature).toBe(`${repository}:${digest!.replace(':', '-')}.sig`)
  })

  it('the real cosign v2 verifies the signature with every signed annotation, and its attestation', async () => {
    const { image } = runs.legacyV2
    const options = { version: REAL_TOOLS.cosignV2 }
    const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version), options)
    expect(verified.exitCode, verified.stderr).toBe(0)
    const attested = await cosignVerifyAttestation(world.key, image, options)
    expect(attested.exitCode, attested.stderr).toBe(0)
  })
})
