import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readActionYaml, runAction } from '../harness/run-action.js'
import { startRecorder, type Recorder } from '../support/recorder.js'
import { badInputs } from '../inputs/bad-inputs.js'
import { testKey } from './world.js'

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
    // One failure, not an InputError dump beside it.
    expect(run.errors).toHaveLength(1)
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

// Each of these reads well as an input but cannot work: found before the network, with the same tripwire.
const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc' }
const rsaLike =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----'
const setups: { name: string; inputs: Record<string, string>; env?: Record<string, string>; says: RegExp }[] = [
  {
    name: 'keyless signing without id-token: write',
    inputs: { 'cosign-key': '' },
    says: /`cosign-key`.*ACTIONS_ID_TOKEN_REQUEST_URL/s,
  },
  {
    name: 'cosign-key env://UNSET',
    inputs: { 'cosign-key': 'env://VOUCH_UNSET_KEY' },
    env: OIDC,
    says: /`cosign-key`.*VOUCH_UNSET_KEY, which is not set/s,
  },
  {
    name: 'cosign-key env:// naming a variable that holds no PEM',
    inputs: { 'cosign-key': 'env://VOUCH_KEY' },
    env: { VOUCH_KEY: 'not a key at all' },
    says: /`cosign-key`.*is not a PEM block/s,
  },
  {
    name: 'a PEM whose END line does not match its BEGIN line',
    inputs: { 'cosign-key': testKey('X').replace(/END ENCRYPTED SIGSTORE/, 'END ENCRYPTED COSIGN') },
    says: /`cosign-key` is not a PEM block.*"<redacted>"/s,
  },
  {
    name: 'an unencrypted PKCS#8 PEM, which cosign sign refuses',
    inputs: { 'cosign-key': rsaLike },
    says: /`cosign-key` is a PRIVATE KEY PEM; cosign signs only with its own encrypted key.*import-key-pair/s,
  },
  {
    name: 'a vex path that does not exist',
    inputs: { vex: 'security/missing.vex.json', sign: 'false' },
    says: /`vex` must list VEX files that exist.*ENOENT.*"security\/missing\.vex\.json"/s,
  },
]

describe.concurrent('setups that cannot work are input errors before any download', () => {
  test.each(setups)('$name', async ({ inputs, env, says }) => {
    const run = await runAction({
      inputs: { ...baseInputs(), 'cosign-key': testKey('KEYMARK'), ...inputs },
      env: { VOUCH_FAKE_LOG: '/nonexistent/never-written', ...env },
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(says)
    expect(run.summary).toContain('An input is not valid, so nothing was downloaded, scanned or signed.')
    expect(run.outputs['scan-status']).toBe('error')
    expect(existsSync(path.join(run.runner.toolCache, 'trivy'))).toBe(false)
    expect(existsSync(path.join(run.runner.toolCache, 'cosign'))).toBe(false)
    expect(tripwire.requests).toEqual([])
    expect(run.stdout).not.toContain('KEYMARK')
  })

  test('with sign: false, none of the signing checks applies', async () => {
    const registry = await startRecorder()
    try {
      const run = await runAction({
        inputs: { ...baseInputs(), image: `${registry.host}/team/app:1.0`, 'cosign-key': 'env://UNSET', sign: 'false' },
      })
      // It goes on to the registry (a 503 here), so the key was never judged.
      expect(run.errors.join('\n')).not.toContain('cosign-key')
      expect(registry.requests.length).toBeGreaterThan(0)
    } finally {
      await registry.close()
    }
  })
})

describe('one shape for every failure', () => {
  test('an input error and a later error both write every output action.yml declares, and a summary', async () => {
    const declared = Object.keys((await readActionYaml()).outputs).sort()
    const registry = await startRecorder()
    try {
      const early = await runAction({ inputs: { ...baseInputs(), 'max-high': '-1' } })
      const late = await runAction({
        inputs: { ...baseInputs(), image: `${registry.host}/team/app:1.0`, sign: 'false' },
      })
      for (const run of [early, late]) {
        expect(run.exitCode).toBe(1)
        expect(Object.keys(run.outputs).sort()).toEqual(declared)
        expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false', attested: 'false' })
        expect(run.outputs.annotation).toBe('security.example.com/scan-status=error')
        expect(run.errors).toHaveLength(1)
        expect(run.summary).toContain('## ⚠️ vouch: error')
        expect(run.summary).toContain('**What to do**')
      }
      expect(early.errors[0]).toContain('`max-high` must be a whole number')
      expect(early.summary).toContain('Fix <code>max-high</code>')
      expect(late.summary).toContain('The image could not be resolved to a digest, so nothing was scanned.')
      expect(late.summary).not.toContain('The scan could not be completed')
    } finally {
      await registry.close()
    }
  })
})
