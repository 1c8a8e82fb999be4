// The harness end to end into admission: the real Kyverno CLI applies the shipped ClusterPolicy, rendered for the
// test key and the loopback registry as `npm run policies` renders it, to pods, reading signatures that the action
// made with the real cosign.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignSign, generateKeyPair } from './support/cosign.js'
import { kyvernoApply, pod } from './support/kyverno.js'
import { renderPolicies } from '../../src/cluster/policies.js'
import { parsePolicyFlags } from '../../src/cluster/policy-flags.js'
import { PASSING, pushAlpine, VULNERABLE } from './support/images.js'
import { runVouch, startE2eWorld, type E2eWorld } from './support/world.js'

let world: E2eWorld
let signed: string
let unsigned: string
let policy: string

beforeAll(async () => {
  world = await startE2eWorld()
  const host = world.registry.host
  const passing = await pushAlpine(host, 'app/admitted', '1.0', PASSING)
  const vulnerable = await pushAlpine(host, 'app/denied', '1.0', VULNERABLE)
  signed = `${host}/app/admitted@${passing.digest}`
  unsigned = `${host}/app/denied@${vulnerable.digest}`
  const runs = [await runVouch(world, { image: signed }), await runVouch(world, { image: unsigned })]
  expect(runs.map((run) => run.outputs.signed)).toEqual(['true', 'false'])
  const flags = ['--public-key', world.key.publicKey, '--no-tlog', '--registries', `${host}/*`]
  const rendered = renderPolicies(parsePolicyFlags(flags, (file) => readFileSync(file, 'utf8')).options)
  policy = rendered.find((file) => file.path === 'kyverno/verify-vouch-signature.yaml')?.text ?? ''
  expect(policy).toContain('verifyImages')
})
afterAll(async () => world?.close())

describe('kyverno apply of the shipped verify-vouch-signature ClusterPolicy for the test key', () => {
  it('admits a pod of the image the action signed', async () => {
    const result = await kyvernoApply(policy, pod('signed', signed))
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/pass: [1-9]\d*, fail: 0, warn: 0, error: 0/)
  })

  it('denies a pod of the image the action refused to sign', async () => {
    const result = await kyvernoApply(policy, pod('unsigned', unsigned))
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout).toMatch(/pass: 0, fail: [1-9]\d*, warn: 0, error: 0/)
    expect(result.stdout).toContain('no signatures found')
  })

  it('denies a pod of an image signed with the gate annotation by another key', async () => {
    const other = await generateKeyPair('another-key-password')
    const pushed = await pushAlpine(world.registry.host, 'app/other-key', '1.0', PASSING)
    const image = `${world.registry.host}/app/other-key@${pushed.digest}`
    const signed = await cosignSign(other, image, { 'security.example.com/scan-status': 'passed' })
    expect(signed.exitCode, signed.stderr).toBe(0)
    const result = await kyvernoApply(policy, pod('other-key', image))
    expect(result.exitCode).not.toBe(0)
    expect(result.stdout).toMatch(/pass: 0, fail: [1-9]\d*, warn: 0, error: 0/)
  })
})
