// The ImageValidatingPolicy (Sigstore bundle) matrix on the real Kyverno CLI v1.19.0, the first release whose
// key-based verification runs offline (kyverno issue 16052), against bundles the real cosign made.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { realTool, REAL_TOOLS } from '../support/real-tools.js'
import { clusterFixture, type ClusterFixture } from './support/fixture.js'
import { applyPolicies, decisions, type Decision } from './support/kyverno.js'
import { buildMatrix, outcome, type Row } from './support/matrix.js'

let fixture: ClusterFixture
let rows: Row[]
let byPod: Map<string, Decision>

beforeAll(async () => {
  fixture = await clusterFixture()
  rows = await buildMatrix('bundle', { ...fixture, host: fixture.registry.host })
  const results = await applyPolicies(
    realTool('kyverno', REAL_TOOLS.kyverno),
    fixture.policy('kyverno/verify-vouch-bundle.yaml'),
    rows.map((row) => row.pod),
  )
  byPod = decisions(results)
}, 300_000)

afterAll(async () => {
  await fixture?.close()
})

test('every settled row of the matrix gets its expected decision', () => {
  const settled = rows.filter((row) => row.expect.ivpol !== 'unsettled')
  expect(settled.length).toBe(rows.length - 1)
  const got = Object.fromEntries(settled.map((row) => [row.name, outcome(byPod.get(row.name))]))
  const want = Object.fromEntries(settled.map((row) => [row.name, row.expect.ivpol]))
  expect(got).toEqual(want)
})

// Two bundle attestations with different gate facts: the decision follows whichever one extractPayload reads, so
// only its form is pinned here; policies/README.md lists it under what the bundle policy cannot settle.
test('an image with a lax and a strict bundle attestation is decided by one of them, never errored', () => {
  const decision = byPod.get('resigned-stricter')
  expect(decision?.messages.every((message) => /signed scan did not pass/.test(message))).toBe(true)
})

test('a laxer or unlimited budget is refused by the signed gate facts, after the signature verified', () => {
  for (const name of ['laxer-budget', 'unlimited-budget']) {
    expect(byPod.get(name)?.messages).toEqual([expect.stringMatching(/signed scan did not pass/)])
  }
})
