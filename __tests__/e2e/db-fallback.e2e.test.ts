// `db-repository` is "tried in order" (CONTRACT.md). With the real Trivy that holds only for a location that answers
// with a temporary registry error (see startDownRegistry); a location that refuses the connection ends Trivy's
// download at once (trivy v0.74.0 pkg/oci/artifact.go: shouldTryOtherRepo is false for anything but a
// transport.Error). This case holds the action to its contract for an unreachable first location.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSING, pushAlpine } from './support/images.js'
import { REFUSED_DB, runVouch, startE2eWorld, type E2eWorld, type VouchRun } from './support/world.js'

let world: E2eWorld
let run: VouchRun

beforeAll(async () => {
  world = await startE2eWorld()
  const pushed = await pushAlpine(world.registry.host, 'app/refused-first', '1.0', PASSING)
  run = await runVouch(world, {
    image: `${world.registry.host}/app/refused-first@${pushed.digest}`,
    'db-repository': `${REFUSED_DB},${world.registry.host}/trivy-db:2`,
  })
})
afterAll(async () => world?.close())

describe('db-repository with an unreachable location first', () => {
  it('scans with the DB from the second location', () => {
    expect(run.errors).toEqual([])
    expect(run.outputs['scan-status']).toBe('passed')
    expect(run.outputs.signed).toBe('true')
  })
})
