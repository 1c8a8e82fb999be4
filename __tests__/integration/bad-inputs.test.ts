import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runAction } from '../harness/run-action.js'
import { startRecorder, type Recorder } from '../support/recorder.js'
import { badInputs } from '../inputs/bad-inputs.js'

// Every bad input, through the bundled action: exit non-zero, name the input, and touch nothing: the registry and
// the release mirror (one tripwire server) see no request, and no tool ever ran.
let tripwire: Recorder
beforeAll(async () => {
  tripwire = await startRecorder()
})
afterAll(async () => tripwire.close())

function baseInputs(): Record<string, string> {
  return {
    image: `${tripwire.host}/team/app:1.0`,
    'tools-mirror': tripwire.url,
    'trivy-version': 'v0.74.99',
    'trivy-sha256': 'c'.repeat(64),
    'cosign-version': 'v3.0.99',
    'cosign-sha256': 'd'.repeat(64),
    'cosign-key': '',
  }
}

describe.concurrent('the bundled action refuses bad inputs before any download or run', () => {
  test.each(badInputs)('$input = $value', async ({ input, value }) => {
    const inputs = { ...baseInputs(), [input]: value }
    const run = await runAction({ inputs, env: { VOUCH_FAKE_LOG: '/nonexistent/never-written' } })
    expect(run.exitCode).not.toBe(0)
    const named = input === 'registry-username' ? 'registry-password' : input
    expect(run.errors.join('\n')).toContain(`\`${named}\``)
    // A later step that reads scan-status sees error, not nothing; the reviewer sees why in the summary.
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false', attested: 'false' })
    expect(run.summary).toContain(`\`${named}\``)
    expect(existsSync(path.join(run.runner.toolCache, 'trivy'))).toBe(false)
    expect(tripwire.requests).toEqual([])
  })

  test('an image outside allowed-registries fails before any network call', async () => {
    const run = await runAction({
      inputs: { ...baseInputs(), 'allowed-registries': 'registry.example.com/*\nghcr.io/example/*' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toMatch(/`image`.*allowed-registries/s)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false' })
    expect(run.summary).toMatch(/allowed-registries/)
    expect(tripwire.requests).toEqual([])
  })

  test.each([
    [{ 'trivy-sha256': '' }, /`trivy-sha256`.*v0\.74\.0/s],
    [{ 'cosign-version': 'v3.0.6', 'cosign-sha256': 'e'.repeat(64) }, /differs from the sha256 vouch pins/],
  ])('tool setup %j is judged before the registry or the mirror is asked', async (overrides, message) => {
    const run = await runAction({
      inputs: { ...baseInputs(), ...overrides, image: `${tripwire.host}/team/app@sha256:${'f'.repeat(64)}` },
    })
    expect(tripwire.requests).toEqual([])
    expect(run.exitCode).toBe(1)
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.errors.join('\n')).toMatch(message)
  })
})
