// The stand-in cosign behaves like the real CLI where vouch depends on it: flags, refusals, outputs and exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { handle, publicKeyOf } from '../fakes/cosign-commands.mjs'
import { parseAttestationStatements, parseTreeReferrers, parseVerifiedSignatures } from '../../src/cosign/output.js'

const IMAGE = `localhost:5000/acme/app@sha256:${'d4'.repeat(32)}`
const PRIVATE = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
const LEGACY = ['--new-bundle-format=false', '--use-signing-config=false']
let temp: string
let env: Record<string, string>

beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'vouch-fake-cosign-'))
  env = {
    VOUCH_FAKE_COSIGN_STATE: path.join(temp, 'state.json'),
    COSIGN_PASSWORD: '',
    COSIGN_PRIVATE_KEY: PRIVATE,
    COSIGN_PUBLIC_KEY: publicKeyOf(PRIVATE),
  }
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

async function cosign(argv: string[], extra: Record<string, string | undefined> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await handle(
    argv,
    { ...env, ...extra },
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
  )
  return { code, stdout, stderr }
}

const sign = (extra: string[] = [], image = IMAGE) =>
  cosign(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', ...LEGACY, '-a', 'gate=passed', ...extra, image])
const verify = (extra: string[] = [], image = IMAGE) =>
  cosign([
    'verify',
    '--key',
    'env://COSIGN_PUBLIC_KEY',
    '--new-bundle-format=false',
    '--output',
    'json',
    ...extra,
    image,
  ])

describe('sign', () => {
  test('records digest, annotations, format and key, then verify answers with the real output shape', async () => {
    expect((await sign()).code).toBe(0)
    const { code, stdout, stderr } = await verify(['-a', 'gate=passed'])
    expect(code).toBe(0)
    expect(stderr).toContain(`Verification for ${IMAGE} --`)
    expect(stderr).toContain('The following checks were performed on each of these signatures:')
    expect(parseVerifiedSignatures(stdout)).toEqual([
      {
        digest: `sha256:${'d4'.repeat(32)}`,
        dockerReference: 'localhost:5000/acme/app',
        type: 'cosign container image signature',
        optional: { gate: 'passed' },
      },
    ])
  })

  test('without --yes prints the transparency-log prompt and fails', async () => {
    const { code, stderr } = await cosign(['sign', '--key', 'env://COSIGN_PRIVATE_KEY', ...LEGACY, IMAGE])
    expect(code).toBe(1)
    expect(stderr).toContain('Are you sure you would like to continue? [y/N]')
  })

  test.each([
    [{ COSIGN_PRIVATE_KEY: undefined }, 'env var $COSIGN_PRIVATE_KEY not found'],
    [{ COSIGN_PASSWORD: undefined }, 'reading password: EOF'],
  ])("a key it cannot use (%o) fails with cosign's error", async (extra, message) => {
    const { code, stderr } = await cosign(
      ['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', ...LEGACY, IMAGE],
      extra,
    )
    expect(code).toBe(1)
    expect(stderr).toContain(message)
  })

  test("keyless needs the job's OIDC token variables", async () => {
    expect((await cosign(['sign', '--yes', ...LEGACY, IMAGE])).code).toBe(1)
    const oidc = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
      GITHUB_WORKFLOW_REF: 'a/b/.github/workflows/c.yml@refs/heads/main',
    }
    expect((await cosign(['sign', '--yes', ...LEGACY, IMAGE], oidc)).code).toBe(0)
    const identity = [
      '--certificate-identity',
      'https://github.com/a/b/.github/workflows/c.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
    ]
    const verified = await cosign(['verify', ...identity, '--new-bundle-format=false', IMAGE])
    expect(verified.code).toBe(0)
    expect(parseVerifiedSignatures(verified.stdout)[0]?.optional).toMatchObject({
      Issuer: 'https://token.actions.githubusercontent.com',
    })
  })

  test.each([
    [
      ['--tlog-upload=false', '--new-bundle-format=false'],
      '--tlog-upload=false is not supported with --signing-config',
    ],
    [['--new-bundle-format=false'], 'must provide --new-bundle-format or --bundle'],
    [['--nonsense'], 'unknown flag: --nonsense'],
  ])('cosign 3 refuses %o', async (flags, message) => {
    const { code, stderr } = await cosign(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', ...flags, IMAGE])
    expect(code).toBe(1)
    expect(stderr).toContain(message)
  })

  test('cosign 2 writes the legacy format and takes --tlog-upload=false alone', async () => {
    const v2 = { VOUCH_FAKE_COSIGN_VERSION: 'v2.6.1' }
    expect(
      (await cosign(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', '--tlog-upload=false', IMAGE], v2)).code,
    ).toBe(0)
    expect(JSON.parse(readFileSync(env.VOUCH_FAKE_COSIGN_STATE!, 'utf8')).signatures[0]).toMatchObject({
      format: 'legacy',
      tlog: false,
    })
  })

  test("a tag reference is recorded as given, with cosign's warning", async () => {
    const { code, stderr } = await sign([], 'localhost:5000/acme/app:1.0')
    expect(code).toBe(0)
    expect(stderr).toContain('uses a tag, not a digest')
  })

  test('the state file defaults to the folder of VOUCH_FAKE_LOG', async () => {
    const log = { VOUCH_FAKE_COSIGN_STATE: undefined, VOUCH_FAKE_LOG: path.join(temp, 'logs', 'calls.log') }
    expect((await cosign(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', IMAGE], log)).code).toBe(0)
    expect(JSON.parse(readFileSync(path.join(temp, 'logs', 'cosign-state.json'), 'utf8')).signatures).toHaveLength(1)
  })
})

describe('verify exit codes', () => {
  test('10: no signatures', async () => {
    expect((await verify()).code).toBe(10)
  })

  test('11: a tag that does not exist', async () => {
    expect((await verify([], 'localhost:5000/acme/app:missing')).code).toBe(11)
  })

  test.each([
    ['an annotation that does not match', ['-a', 'gate=failed'], {}],
    ['another key', [], { COSIGN_PUBLIC_KEY: publicKeyOf('other') }],
    ['a signature outside the tlog checked against it', [], {}, ['--tlog-upload=false']],
  ])('12: %s', async (_name, flags, extra, signFlags: string[] = []) => {
    await sign(signFlags)
    const { code, stderr } = await cosign(
      ['verify', '--key', 'env://COSIGN_PUBLIC_KEY', '--new-bundle-format=false', ...flags, IMAGE],
      extra,
    )
    expect(code).toBe(12)
    expect(stderr).toContain('no matching signatures')
  })

  test('the tlog is not required with --insecure-ignore-tlog=true', async () => {
    await sign(['--tlog-upload=false'])
    expect((await verify(['--insecure-ignore-tlog=true'])).code).toBe(0)
  })
})

describe('attest, verify-attestation, public-key, triangulate, tree', () => {
  test('an attestation comes back as a DSSE envelope with the vuln statement', async () => {
    const predicate = path.join(temp, 'p.json')
    writeFileSync(predicate, '{"scanner":{"uri":"x"}}')
    expect(
      (
        await cosign([
          'attest',
          '--yes',
          '--type',
          'vuln',
          '--predicate',
          predicate,
          '--key',
          'env://COSIGN_PRIVATE_KEY',
          ...LEGACY,
          IMAGE,
        ])
      ).code,
    ).toBe(0)
    const { code, stdout } = await cosign([
      'verify-attestation',
      '--key',
      'env://COSIGN_PUBLIC_KEY',
      '--type',
      'vuln',
      '--new-bundle-format=false',
      IMAGE,
    ])
    expect(code).toBe(0)
    expect(parseAttestationStatements(stdout)).toEqual([
      {
        predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
        subjects: [{ name: 'localhost:5000/acme/app', sha256: 'd4'.repeat(32) }],
      },
    ])
  })

  test('public-key prints the same PEM for the same private key', async () => {
    const { stdout } = await cosign(['public-key', '--key', 'env://COSIGN_PRIVATE_KEY'])
    expect(stdout).toBe(publicKeyOf(PRIVATE))
    expect(stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
  })

  test('triangulate prints the .sig tag', async () => {
    expect((await cosign(['triangulate', IMAGE])).stdout).toBe(
      `localhost:5000/acme/app:sha256-${'d4'.repeat(32)}.sig\n`,
    )
  })

  test('tree lists a bundle signature as an OCI referrer', async () => {
    await cosign(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', IMAGE])
    const referrers = parseTreeReferrers((await cosign(['tree', IMAGE])).stdout)
    expect(referrers).toEqual([
      {
        type: 'https://sigstore.dev/cosign/sign/v1',
        reference: expect.stringMatching(/^localhost:5000\/acme\/app@sha256:[0-9a-f]{64}$/),
      },
    ])
  })
})
