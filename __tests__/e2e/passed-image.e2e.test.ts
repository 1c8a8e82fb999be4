// A passing image, end to end with the real tools: the action installs Trivy and cosign from the mirror, downloads
// the test DB after the unreachable location fails, scans, signs and attests; then the real cosign verifies what a
// cluster relies on, as a user would.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attestedStatements, cosignVerify, cosignVerifyAttestation, verifiedPayloads } from './support/cosign.js'
import { expectedCounts, PASSING, pushAlpine } from './support/images.js'
import { releases } from './support/releases.js'
import { startE2eWorld, runVouch, type E2eWorld, type VouchRun } from './support/world.js'
import { signedAnnotations } from './support/contract.js'

let world: E2eWorld
let image: string
let run: VouchRun

interface VulnPredicate {
  invocation: { parameters: { vouch?: Record<string, unknown> } | null }
  scanner: {
    version: string
    result: { ArtifactName: string; Results?: { Vulnerabilities?: { VulnerabilityID: string }[] }[] }
  }
}

beforeAll(async () => {
  world = await startE2eWorld()
  const pushed = await pushAlpine(world.registry.host, 'app/passing', '1.0', PASSING)
  image = `${world.registry.host}/app/passing@${pushed.digest}`
  run = await runVouch(world, { image: `${world.registry.host}/app/passing:1.0` })
})
afterAll(async () => world?.close())

describe('a passing image with the real Trivy and cosign v3', () => {
  it('passes, counts what the test DB holds for it, and says it signed and attested', () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    const counts = expectedCounts(PASSING)
    expect(run.outputs).toMatchObject({
      'scan-status': 'passed',
      image,
      digest: image.split('@')[1],
      critical: String(counts.critical),
      high: String(counts.high),
      medium: String(counts.medium),
      low: String(counts.low),
      unknown: String(counts.unknown),
      signed: 'true',
      attested: 'true',
      'trivy-version': releases().trivy.version,
      'cosign-version': releases().cosign.version,
    })
    expect(counts.low).toBe(1)
  })

  it('installed both tools through the mirror, verified against the given sha256', () => {
    const paths = world.mirror.requests.filter((request) => request.status === 200).map((request) => request.path)
    expect(paths).toEqual(expect.arrayContaining([releases().trivy.path, releases().cosign.path]))
    expect(run.stdout).toContain(releases().trivy.sha256)
    expect(run.stdout).toContain(releases().cosign.sha256)
  })

  it('Trivy fell back from the DB location that is down to the loopback one', () => {
    expect(world.downRegistry.requests.length).toBeGreaterThan(0)
    expect(run.stdout).toContain(`Failed to download artifact\trepo="${world.downRegistry.host}/aquasec/trivy-db:2"`)
    expect(run.stdout).toContain(`Artifact successfully downloaded\trepo="${world.registry.host}/trivy-db:2"`)
    expect(Date.parse(run.outputs['db-updated-at'] ?? '')).toBeGreaterThan(Date.now() - 3_600_000)
  })

  it('the real cosign verifies the signature with every signed annotation of the contract', async () => {
    const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version))
    expect(verified.exitCode, verified.stderr).toBe(0)
    const [payload] = verifiedPayloads(verified.stdout)
    expect(payload?.critical.image['docker-manifest-digest']).toBe(image.split('@')[1])
  })

  it('the real cosign refuses the signature for a laxer budget than the one signed', async () => {
    const lax = { ...signedAnnotations(releases().trivy.version), 'security.example.com/max-critical': '5' }
    const verified = await cosignVerify(world.key, image, lax)
    expect(verified.exitCode).not.toBe(0)
    expect(verified.stderr).toMatch(/annotation/i)
  })

  it('the vuln attestation verifies and carries Trivy’s real report of this image', async () => {
    const predicate = await verifiedPredicate()
    expect(predicate.scanner.version).toBe(releases().trivy.version.replace(/^v/, ''))
    const found = (predicate.scanner.result.Results ?? []).flatMap((result) => result.Vulnerabilities ?? [])
    expect(found.map((vulnerability) => vulnerability.VulnerabilityID)).toEqual(PASSING.findings)
    expect(predicate.scanner.result.ArtifactName).toBe(image)
    // What was attested is the predicate file the action says it wrote.
    const written = JSON.parse(await readFile(run.outputs.predicate!, 'utf8')) as VulnPredicate
    expect(written.scanner.result).toEqual(predicate.scanner.result)
  })

  it('the verified attestation carries the gate facts of CONTRACT.md', async () => {
    const predicate = await verifiedPredicate()
    expect(predicate.invocation.parameters?.vouch).toEqual({
      scanStatus: 'passed',
      annotationKey: 'security.example.com/scan-status',
      budgets: { critical: 0, high: 0, medium: null, low: null, unknown: null },
      counted: expectedCounts(PASSING),
      ignored: 0,
    })
  })
})

let verified: Promise<VulnPredicate> | undefined
function verifiedPredicate(): Promise<VulnPredicate> {
  verified ??= (async () => {
    const result = await cosignVerifyAttestation(world.key, image)
    expect(result.exitCode, result.stderr).toBe(0)
    const statements = attestedStatements(result.stdout)
    expect(statements).toHaveLength(1)
    expect(statements[0]?.predicateType).toBe('https://cosign.sigstore.dev/attestation/vuln/v1')
    return statements[0]!.predicate as unknown as VulnPredicate
  })()
  return verified
}
