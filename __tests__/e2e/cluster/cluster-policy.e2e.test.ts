// The ClusterPolicy (legacy `.sig`) matrix on the real Kyverno CLI, v1.19.0 and the earlier release, against images
// the real cosign signed the way vouch does.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { realTool, REAL_TOOLS } from '../support/real-tools.js'
import { clusterFixture, type ClusterFixture } from './support/fixture.js'
import { applyPolicies, decisions, type Decision } from './support/kyverno.js'
import { buildMatrix, outcome, type Engine, type Row } from './support/matrix.js'

let fixture: ClusterFixture
let rows: Row[]

beforeAll(async () => {
  fixture = await clusterFixture()
  rows = await buildMatrix('legacy', { ...fixture, host: fixture.registry.host })
}, 300_000)

afterAll(async () => {
  await fixture?.close()
})

const engines: [Engine, string][] = [
  ['cpol', REAL_TOOLS.kyverno],
  ['cpolEarlier', REAL_TOOLS.kyvernoEarlier],
]

describe.each(engines)('verify-vouch-signature.yaml (%s, Kyverno %s)', (engine, version) => {
  let byPod: Map<string, Decision>

  beforeAll(async () => {
    const results = await applyPolicies(
      realTool('kyverno', version),
      fixture.policy('kyverno/verify-vouch-signature.yaml'),
      rows.map((row) => row.pod),
    )
    byPod = decisions(results)
  }, 180_000)

  test('every row of the matrix gets its expected decision', () => {
    const got = Object.fromEntries(rows.map((row) => [row.name, outcome(byPod.get(row.name))]))
    const want = Object.fromEntries(rows.map((row) => [row.name, row.expect[engine]]))
    expect(got).toEqual(want)
  })

  test('the laxer and unlimited budgets are refused for their budget, not for a missing signature', () => {
    for (const name of ['laxer-budget', 'unlimited-budget']) {
      expect(byPod.get(name)?.messages.join('\n')).toMatch(/annotation|attestation checks failed/)
    }
  })
})
