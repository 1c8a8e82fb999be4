// A multi-platform index as `docker buildx build --push` leaves it (two images plus attestation manifests), with the
// real tools: each image is scanned by its own digest, one verdict, signed recursively, and every child verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignVerify } from './support/cosign.js'
import { signedAnnotations } from './support/contract.js'
import { expectedCounts, INDEX_PLATFORMS, pushAlpineIndex } from './support/images.js'
import { releases } from './support/releases.js'
import { runVouch, startE2eWorld, type E2eWorld, type VouchRun } from './support/world.js'
import type { PushedIndex } from '../support/push.js'

let world: E2eWorld
let index: PushedIndex
let repository: string
let run: VouchRun

beforeAll(async () => {
  world = await startE2eWorld()
  repository = `${world.registry.host}/app/multi`
  index = await pushAlpineIndex(world.registry.host, 'app/multi', '1.0')
  run = await runVouch(world, { image: `${repository}:1.0` }, { recordArgv: true })
})
afterAll(async () => world?.close())

/** The image argument of every `trivy image` the action ran (the last argv item). */
function scannedImages(): string[] {
  return run.argv.filter((argv) => argv[1] === 'image' && /trivy$/.test(argv[0] ?? '')).map((argv) => argv.at(-1)!)
}

describe('a buildx multi-platform index with the real Trivy and cosign', () => {
  it('reaches one verdict, passed, with the counts of both platforms together', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const counts = Object.values(INDEX_PLATFORMS).map(expectedCounts)
    expect(run.outputs).toMatchObject({
      'scan-status': 'passed',
      image: `${repository}@${index.digest}`,
      signed: 'true',
      low: String(counts.reduce((sum, count) => sum + count.low, 0)),
      critical: '0',
    })
  })

  it('ran the real Trivy once per image, each by its own digest, never on the index or an attestation', () => {
    const expected = Object.values(index.platforms).map((digest) => `${repository}@${digest}`)
    expect(scannedImages().sort(), JSON.stringify(run.argv.filter((a) => a[1] === 'image'))).toEqual(expected.sort())
    for (const attestation of index.attestations) expect(scannedImages().join(' ')).not.toContain(attestation)
  })

  it('the real cosign verifies the index and every image in it with the signed annotations', async () => {
    const annotations = signedAnnotations(releases().trivy.version)
    for (const digest of [index.digest, ...Object.values(index.platforms)]) {
      const verified = await cosignVerify(world.key, `${repository}@${digest}`, annotations)
      expect(verified.exitCode, `${digest}: ${verified.stderr}`).toBe(0)
    }
  })
})
