// The signing key and VEX checks made before the network, value by value: which PEM blocks `cosign sign` can read
// (cosign v3.0.6 pkg/cosign/keys.go LoadPrivateKey), env:// keys, keyless readiness, VEX paths.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { InputError } from '../../src/errors.js'
import { readInputs } from '../../src/inputs.js'
import { checkBeforeNetwork } from '../../src/stages/preflight.js'
import type { RunPlan } from '../../src/stages/plan.js'
import { pinnedSha256 } from '../../src/tools/checksums.js'
import { actionDefaults, inputReader } from './reader.js'
import { rejection } from '../support/rejection.js'

let defaults: Record<string, string> = {}
beforeAll(async () => {
  defaults = await actionDefaults()
})

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }
const WORKFLOW = { GITHUB_WORKFLOW_REF: 'example/app/.github/workflows/release.yml@refs/heads/main' }
const BODY = 'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9\nQUJDREVGR0g='
const pem = (type: string, body = BODY): string => `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----`

async function planFor(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<RunPlan> {
  const read = await inputReader({ image: 'ghcr.io/acme/shop:1.0', 'output-dir': 'vouch-out', ...inputs })
  return checkBeforeNetwork(readInputs(read), { RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', ...env })
}

/** The exceptions of the plan the check returns. */
async function check(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  return (await planFor(inputs, env)).exceptions
}

describe('cosign-key PEM blocks', () => {
  test.each(['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'])(
    '%s is what cosign sign reads',
    async (type) => {
      await expect(check({ 'cosign-key': pem(type) })).resolves.toEqual([])
      await expect(check({ 'cosign-key': pem(type).replace(/\n/g, '\r\n') })).resolves.toEqual([])
    },
  )

  test.each(['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'])(
    '%s is refused, with the import-key-pair way out',
    async (type) => {
      const error = await rejection(check({ 'cosign-key': pem(type) }), InputError)
      expect(error).toMatchObject({ input: 'cosign-key', value: '<redacted>' })
      expect(error.message).toContain(`is a ${type} PEM; cosign signs only with its own encrypted key`)
      expect(error.message).toContain('cosign import-key-pair')
    },
  )

  test.each([
    ['a public key', pem('PUBLIC KEY')],
    [
      'a BEGIN/END mismatch',
      pem('ENCRYPTED SIGSTORE PRIVATE KEY').replace('END ENCRYPTED SIGSTORE', 'END ENCRYPTED COSIGN'),
    ],
    ['a body that is not base64', pem('ENCRYPTED SIGSTORE PRIVATE KEY', 'not base64!')],
    ['no body', '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'],
  ])('%s is refused without quoting the key', async (_case, key) => {
    const error = await rejection(check({ 'cosign-key': key }), InputError)
    expect(error.value).toBe('<redacted>')
    expect(error.message).not.toContain(BODY.slice(0, 10))
  })

  test('with sign: false the key is not judged', async () => {
    await expect(check({ 'cosign-key': pem('PUBLIC KEY'), sign: 'false' })).resolves.toEqual([])
  })
})

describe('cosign-key env:// and keyless', () => {
  test('env://NAME must be set, non-empty, and hold a PEM cosign reads', async () => {
    expect((await rejection(check({ 'cosign-key': 'env://SIGNING_KEY' }), InputError)).message).toContain(
      'SIGNING_KEY, which is not set',
    )
    expect(
      (await rejection(check({ 'cosign-key': 'env://SIGNING_KEY' }, { SIGNING_KEY: ' ' }), InputError)).message,
    ).toContain('which is empty')
    const wrong = await rejection(
      check({ 'cosign-key': 'env://SIGNING_KEY' }, { SIGNING_KEY: pem('EC PRIVATE KEY') }),
      InputError,
    )
    expect(wrong).toMatchObject({ value: 'env://SIGNING_KEY' })
    await expect(
      check({ 'cosign-key': 'env://SIGNING_KEY' }, { SIGNING_KEY: pem('ENCRYPTED COSIGN PRIVATE KEY') }),
    ).resolves.toEqual([])
  })

  test('a KMS URI is left to cosign', async () => {
    await expect(check({ 'cosign-key': 'awskms:///alias/release' })).resolves.toEqual([])
  })

  test('keyless needs both OIDC request variables and the workflow ref', async () => {
    const missing = await rejection(check({ 'cosign-key': '' }, WORKFLOW), InputError)
    expect(missing.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set')
    expect(missing.remedy).toContain('permissions: id-token: write')
    await expect(check({ 'cosign-key': '' }, { ...OIDC, ...WORKFLOW })).resolves.toEqual([])
  })
})

describe('vex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-vex-'))
  const file = join(dir, 'app.vex.json')
  writeFileSync(file, '{}')

  test('files that exist, URLs and Trivy sources pass', async () => {
    await expect(check({ vex: `${file}\nhttps://example.com/vex.json\nrepo\noci`, sign: 'false' })).resolves.toEqual([])
  })

  test.each([
    [join(dir, 'missing.json'), 'ENOENT'],
    [dir, 'it is not a file'],
  ])('%s is an input error (%s)', async (path, why) => {
    const error = await rejection(check({ vex: `${file}\n${path}`, sign: 'false' }), InputError)
    expect(error).toMatchObject({ input: 'vex', value: path })
    expect(error.message).toContain(why)
  })
})

describe('the plan the stages take as given', () => {
  const LINUX_X64 = { os: 'linux', arch: 'amd64' } as const

  test('a signing run: both tools with their release URLs and pinned sha256, the signing mode, the platforms', async () => {
    const key = pem('ENCRYPTED SIGSTORE PRIVATE KEY')
    const plan = await planFor({ 'cosign-key': key, platforms: 'linux/amd64,linux/arm64', 'tlog-upload': 'false' })
    const trivy = defaults['trivy-version']!
    const cosign = defaults['cosign-version']!
    expect(plan.tools.trivy).toMatchObject({
      tool: 'trivy',
      version: trivy,
      platform: LINUX_X64,
      sha256: pinnedSha256('trivy', trivy, LINUX_X64),
      source: 'pinned',
    })
    expect(plan.tools.trivy.asset.url).toBe(
      `https://github.com/aquasecurity/trivy/releases/download/${trivy}/trivy_${trivy.slice(1)}_Linux-64bit.tar.gz`,
    )
    expect(plan.tools.cosign).toMatchObject({ tool: 'cosign', version: cosign, source: 'pinned' })
    expect(plan.tools.cosign?.sha256).toBe(pinnedSha256('cosign', cosign, LINUX_X64))
    expect(plan.tools.cosign?.asset.url).toBe(
      `https://github.com/sigstore/cosign/releases/download/${cosign}/cosign-linux-amd64`,
    )
    expect(plan.signing).toEqual({
      sign: true,
      key: { kind: 'pem', pem: key },
      format: defaults['signature-format'],
      tlogUpload: false,
      attest: defaults['attest'] === 'true',
      cosignVersion: cosign,
    })
    expect(plan.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(plan.cacheTools).toBe(defaults['cache'] === 'true')
  })

  test('sign: false plans no cosign and no signing; tools-mirror replaces github.com in the URL', async () => {
    const plan = await planFor({ sign: 'false', 'tools-mirror': 'https://mirror.example/releases' })
    expect(plan.tools.cosign).toBeUndefined()
    expect(plan.signing).toEqual({ sign: false })
    expect(plan.tools.trivy.asset.url).toMatch(/^https:\/\/mirror\.example\/releases\/aquasecurity\/trivy\/releases\//)
  })

  test('a user hash for an unpinned Trivy is the expected sha256, named as the input', async () => {
    const sha256 = 'ab'.repeat(32)
    const plan = await planFor({ sign: 'false', 'trivy-version': 'v0.74.99', 'trivy-sha256': sha256 })
    expect(plan.tools.trivy).toMatchObject({ version: 'v0.74.99', sha256, source: '`trivy-sha256`' })
  })

  test("the key's env://NAME is withheld from Trivy, whether or not the run signs", async () => {
    const key = { 'cosign-key': 'env://RELEASE_KEY' }
    const env = { RELEASE_KEY: pem('ENCRYPTED SIGSTORE PRIVATE KEY') }
    expect((await planFor(key, env)).trivyWithheld).toEqual(['RELEASE_KEY'])
    expect((await planFor({ ...key, sign: 'false' }, env)).trivyWithheld).toEqual(['RELEASE_KEY'])
    expect((await planFor({ 'cosign-key': 'awskms:///alias/release' })).trivyWithheld).toEqual([])
  })
})
