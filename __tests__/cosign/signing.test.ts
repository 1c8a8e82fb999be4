import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { SigningError } from '../../src/errors.js'
import type { CosignKey } from '../../src/cosign/keys.js'
import { SigningFailure, signAndAttest, startSigning, type SigningOptions } from '../../src/cosign/signing.js'
import type { Exec } from '../../src/exec.js'
import { fakeCosign } from './fake-exec.js'
import { decide, holdGate } from '../../src/report/gate.js'
import type { PassedVerdict } from '../../src/report/verdict.js'
import { ANNOTATIONS } from './default-annotations.js'

vi.mock('@actions/core', async (original) => ({
  ...(await original<typeof import('@actions/core')>()),
  setSecret: vi.fn(),
  info: vi.fn(),
  debug: vi.fn(),
  warning: vi.fn(),
}))

const DIGEST = `sha256:${'c3'.repeat(32)}`
const IMAGE = `localhost:5000/acme/app@${DIGEST}`
const PEM_MARKER = 'PEMSECRETMARKER0123456789abcdef'
const PASSWORD = 'PASSWORD-SECRET-MARKER'
const REGISTRY_PASSWORD = 'REGISTRY-SECRET-MARKER'
const PEM: CosignKey = {
  kind: 'pem',
  pem: `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${PEM_MARKER}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`,
}
const NO_BUDGETS = { CRITICAL: null, HIGH: null, MEDIUM: null, LOW: null, UNKNOWN: null }
const PASSED = decide(
  holdGate({
    findings: [],
    modified: [],
    budgets: NO_BUDGETS,
    exceptions: [],
    ignoreUnfixed: false,
    today: '2026-01-01',
  }),
) as PassedVerdict
const KEYLESS_ENV = {
  GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/release.yml@refs/heads/main',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
}

let temp: string
let runnerTemp: string
let sleeps: number[]
let fake: ReturnType<typeof fakeCosign>

beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'vouch-cosign-run-'))
  runnerTemp = mkdtempSync(path.join(temp, 'runner-temp-'))
  copyFileSync(
    path.join(import.meta.dirname, '../fixtures/cosign/vuln-predicate.json'),
    path.join(temp, 'predicate.json'),
  )
  sleeps = []
  fake = fakeCosign({ VOUCH_FAKE_COSIGN_STATE: path.join(temp, 'state.json') })
  vi.mocked(core.setSecret).mockClear()
  vi.mocked(core.warning).mockClear()
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

function options(over: Partial<SigningOptions> = {}): SigningOptions {
  return {
    cosignPath: '/opt/cosign/cosign',
    cosignVersion: 'v3.0.6',
    image: IMAGE,
    isIndex: false,
    verdict: PASSED,
    sign: true,
    attest: true,
    key: PEM,
    password: PASSWORD,
    format: 'legacy',
    tlogUpload: true,
    annotations: ANNOTATIONS,
    predicateFile: path.join(temp, 'predicate.json'),
    credentials: { username: 'ci-bot', password: REGISTRY_PASSWORD },
    registry: 'localhost:5000',
    insecureRegistry: true,
    runnerTemp,
    env: {},
    exec: fake.exec,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    ...over,
  }
}

const NOT_SIGNED_RESULT = { signed: false, attested: false, verified: false }
const state = () => JSON.parse(readFileSync(path.join(temp, 'state.json'), 'utf8'))
const withFault = (fault: string, version = 'v3.0.6') =>
  fakeCosign({
    VOUCH_FAKE_COSIGN_STATE: path.join(temp, 'state.json'),
    VOUCH_FAKE_COSIGN_FAIL: fault,
    VOUCH_FAKE_COSIGN_VERSION: version,
  })

/** A verdict that is not passed, forced past the type as JavaScript or a cast could: signAndAttest still refuses it. */
function forcedVerdict(status: 'failed' | 'error'): PassedVerdict {
  return { ...PASSED, status } as unknown as PassedVerdict
}

describe('fail closed', () => {
  test.each([
    ['a failed verdict', { verdict: forcedVerdict('failed') }],
    ['an error verdict', { verdict: forcedVerdict('error') }],
    ['sign: false', { sign: false }],
    [
      'a failed verdict with a keyless key and no OIDC',
      { verdict: forcedVerdict('failed'), key: { kind: 'keyless' } as CosignKey },
    ],
  ])('%s runs cosign not at all and reports nothing signed', async (_name, over) => {
    expect(await signAndAttest(options(over))).toEqual({ signed: false, attested: false, verified: false })
    expect(fake.calls).toEqual([])
  })

  test('keyless without the job token fails before anything is signed, naming id-token: write', async () => {
    const run = signAndAttest(
      options({ key: { kind: 'keyless' }, env: { GITHUB_WORKFLOW_REF: KEYLESS_ENV.GITHUB_WORKFLOW_REF } }),
    )
    await expect(run).rejects.toThrow(SigningError)
    await expect(run).rejects.toThrow('permissions: id-token: write')
    expect(fake.calls).toEqual([])
  })
})

describe('a passed verdict', () => {
  test('signs, attests, then verifies both, in that order, and reports the .sig tag', async () => {
    const result = await signAndAttest(options())
    expect(fake.subcommands()).toEqual(['public-key', 'verify', 'sign', 'attest', 'verify', 'verify-attestation'])
    expect(fake.calls.every((call) => call.command === '/opt/cosign/cosign')).toBe(true)
    // The first verify finds no signature yet (exit 10): that is the rerun check, not a failure.
    expect(fake.calls.map((call) => call.exitCode)).toEqual([0, 10, 0, 0, 0, 0])
    expect(result).toMatchObject({
      signed: true,
      attested: true,
      verified: true,
      signature: `localhost:5000/acme/app:sha256-${'c3'.repeat(32)}.sig`,
    })
    expect(result.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/)
    expect(result.verifyCommand).toBe(
      `cosign verify --key cosign.pub -a security.example.com/scan-status=passed -a security.example.com/max-critical=0 -a security.example.com/max-high=0 -a security.example.com/max-medium=unlimited -a security.example.com/max-low=unlimited -a security.example.com/max-unknown=unlimited -a security.example.com/scanner=trivy@v0.74.0 --new-bundle-format=false --allow-http-registry ${IMAGE}`,
    )
    expect(state().signatures).toHaveLength(1)
    expect(state().signatures[0]).toMatchObject({
      digest: DIGEST,
      format: 'legacy',
      annotations: Object.fromEntries(ANNOTATIONS),
    })
    expect(state().attestations[0]).toMatchObject({
      digest: DIGEST,
      predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    })
  })

  test('the sign and attest calls carry the expected arguments', async () => {
    await signAndAttest(options({ isIndex: true }))
    const byName = (name: string) => fake.calls.find((call) => call.args[0] === name)!.args
    expect(byName('sign')).toEqual([
      'sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', '--new-bundle-format=false', '--use-signing-config=false',
      '--allow-http-registry', '--recursive',
      '-a', 'security.example.com/scan-status=passed',
      '-a', 'security.example.com/max-critical=0', '-a', 'security.example.com/max-high=0',
      '-a', 'security.example.com/max-medium=unlimited', '-a', 'security.example.com/max-low=unlimited',
      '-a', 'security.example.com/max-unknown=unlimited',
      '-a', 'security.example.com/scanner=trivy@v0.74.0',
      IMAGE,
    ]) // prettier-ignore
    expect(byName('attest')).toEqual([
      'attest', '--yes', '--type', 'vuln', '--predicate', path.join(temp, 'predicate.json'), '--replace',
      '--key', 'env://COSIGN_PRIVATE_KEY', '--new-bundle-format=false', '--use-signing-config=false',
      '--allow-http-registry', IMAGE,
    ]) // prettier-ignore
  })

  test.each([
    ['cosign 3, legacy, no tlog', 'v3.0.6', 'legacy', false],
    ['cosign 3, bundle, no tlog', 'v3.0.6', 'bundle', false],
    ['cosign 2, legacy, tlog', 'v2.6.1', 'legacy', true],
    ['cosign 2, legacy, no tlog', 'v2.6.1', 'legacy', false],
  ] as const)('%s: the flags satisfy the cosign version', async (_name, version, format, tlogUpload) => {
    fake = withFault('', version)
    const result = await signAndAttest(options({ cosignVersion: version, format, tlogUpload, exec: fake.exec }))
    expect(result).toMatchObject({ signed: true, attested: true, verified: true })
    expect(state().signatures[0]).toMatchObject({ format, tlog: tlogUpload })
  })

  test('bundle format: the signature is the referrer cosign tree shows after signing', async () => {
    const result = await signAndAttest(options({ format: 'bundle' }))
    expect(fake.subcommands()).toEqual([
      'public-key',
      'tree',
      'verify',
      'sign',
      'tree',
      'attest',
      'verify',
      'verify-attestation',
    ])
    expect(result.signature).toBe(`localhost:5000/acme/app@${state().signatures[0].referrer}`)
  })

  test('keyless: verifies against the workflow identity and reports it', async () => {
    const result = await signAndAttest(
      options({
        key: { kind: 'keyless' },
        env: KEYLESS_ENV,
        exec: fakeCosign({ VOUCH_FAKE_COSIGN_STATE: path.join(temp, 'state.json'), ...KEYLESS_ENV }).exec,
      }),
    )
    const identity = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'
    expect(result).toMatchObject({
      signed: true,
      verified: true,
      identity: { identity, issuer: 'https://token.actions.githubusercontent.com' },
    })
    expect(result.publicKey).toBeUndefined()
    expect(result.verifyCommand).toContain(`--certificate-identity ${identity}`)
  })

  test('attest: false signs and verifies the signature only', async () => {
    const result = await signAndAttest(options({ attest: false }))
    expect(fake.subcommands()).toEqual(['public-key', 'verify', 'sign', 'verify'])
    expect(result).toMatchObject({ signed: true, attested: false, verified: true })
  })
})

describe('failures after signing keep the signature', () => {
  test('a verification that vouches for another digest is a SigningFailure carrying the signature', async () => {
    fake = withFault('verify-mismatch')
    const error = await signAndAttest(options({ exec: fake.exec })).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SigningFailure)
    expect(error).toBeInstanceOf(SigningError)
    const failure = error as SigningFailure
    expect(failure.signature).toBe(`localhost:5000/acme/app:sha256-${'c3'.repeat(32)}.sig`)
    expect(failure.result).toMatchObject({ signed: true, attested: true, verified: false })
    expect(failure.message).toContain('none is a legacy signature of')
  })

  test('a failed attest is a SigningFailure with the signature and attested: false, never retried', async () => {
    fake = withFault('attest-fail')
    const failure = (await signAndAttest(options({ exec: fake.exec })).catch(
      (caught: unknown) => caught,
    )) as SigningFailure
    expect(failure).toBeInstanceOf(SigningFailure)
    expect(failure.result).toMatchObject({ signed: true, attested: false, verified: false })
    expect(failure.signature).toContain('.sig')
    expect(failure.message).toContain('DENIED')
    expect(sleeps).toEqual([])
  })

  test('a signature by another key does not count as already signed', async () => {
    await signAndAttest(
      options({ key: { kind: 'pem', pem: PEM.kind === 'pem' ? PEM.pem.replace(PEM_MARKER, 'OTHERKEY') : '' } }),
    )
    fake.calls.length = 0
    await signAndAttest(options())
    expect(fake.subcommands()).toContain('sign')
    expect(state().signatures).toHaveLength(2)
  })

  test("a key that cannot be read fails before signing, with cosign's words", async () => {
    const failure = (await signAndAttest(options({ key: { kind: 'uri', uri: 'env://NOT_SET' } })).catch(
      (e: unknown) => e,
    )) as SigningFailure
    expect(failure).toBeInstanceOf(SigningFailure)
    expect(failure.result.signed).toBe(false)
    expect(failure.message).toContain('env var $NOT_SET not found')
    expect(fake.subcommands()).toEqual(['public-key'])
  })
})

describe('retries and reruns', () => {
  test('a Rekor 429 is retried after a back-off and then succeeds', async () => {
    fake = withFault('sign-429-once')
    const result = await signAndAttest(options({ exec: fake.exec, retry: { attempts: 3, baseDelayMs: 500 } }))
    expect(result.verified).toBe(true)
    expect(fake.subcommands().filter((name) => name === 'sign')).toHaveLength(2)
    expect(sleeps).toEqual([500])
    expect(state().signatures).toHaveLength(1)
  })

  test('a rerun finds the signature already made and does not sign again', async () => {
    const first = await signAndAttest(options())
    fake.calls.length = 0
    const second = await signAndAttest(options())
    expect(fake.subcommands()).toEqual(['public-key', 'verify', 'attest', 'verify', 'verify-attestation'])
    expect(second).toEqual(first)
    expect(state().signatures).toHaveLength(1)
  })
})

describe('secrets and credentials', () => {
  test('the registry credentials reach cosign in a docker config that is gone afterwards', async () => {
    await signAndAttest(options())
    const auth = Buffer.from(`ci-bot:${REGISTRY_PASSWORD}`).toString('base64')
    for (const call of fake.calls) {
      expect(call.env.DOCKER_CONFIG).toMatch(new RegExp(`^${runnerTemp}/`))
      expect(JSON.parse(call.dockerConfig!)).toEqual({ auths: { 'localhost:5000': { auth } } })
    }
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('the docker config is removed when signing fails too', async () => {
    fake = withFault('attest-fail')
    await expect(signAndAttest(options({ exec: fake.exec }))).rejects.toThrow(SigningFailure)
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('no PEM, password or registry password in any argv or in the result; they are masked', async () => {
    const result = await signAndAttest(options())
    const argv = JSON.stringify(fake.calls.map((call) => call.args))
    for (const marker of [PEM_MARKER, PASSWORD, REGISTRY_PASSWORD]) {
      expect(argv).not.toContain(marker)
      expect(JSON.stringify(result)).not.toContain(marker)
    }
    expect(fake.calls[0]?.env).toMatchObject({
      COSIGN_PASSWORD: PASSWORD,
      COSIGN_PRIVATE_KEY: PEM.kind === 'pem' ? PEM.pem : '',
    })
    const masked = vi.mocked(core.setSecret).mock.calls.map(([secret]) => secret)
    expect(masked).toEqual(expect.arrayContaining([PASSWORD, REGISTRY_PASSWORD, PEM_MARKER]))
  })

  test('an empty password is still set, so cosign never waits on stdin', async () => {
    await signAndAttest(options({ password: '' }))
    expect(fake.calls.every((call) => call.env.COSIGN_PASSWORD === '')).toBe(true)
  })
})

describe('a session started before the verdict', () => {
  const predicate = () => path.join(temp, 'predicate.json')
  const logged = (level: 'info' | 'debug') =>
    vi
      .mocked(core[level])
      .mock.calls.map(([line]) => String(line))
      .filter((line) => line.startsWith('cosign '))
      .map((line) => line.split(' ')[1])
  beforeEach(() => {
    vi.mocked(core.info).mockClear()
    vi.mocked(core.debug).mockClear()
  })

  test('looks ahead at once with its log held; finish prints it, then signs, attests and verifies', async () => {
    const session = startSigning(options())
    await vi.waitFor(() => expect(fake.subcommands()).toEqual(['public-key', 'verify']))
    expect(logged('info')).toEqual([])
    const result = await session.finish(PASSED, predicate())
    await session.close()
    expect(result).toMatchObject({ signed: true, attested: true, verified: true })
    expect(logged('info')).toEqual(['public-key', 'verify', 'sign', 'attest', 'verify', 'verify-attestation'])
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('closed unfinished (a failed verdict): nothing signed, its failure thrown nowhere, what ran in the debug log', async () => {
    fake = withFault('public-key-fail')
    const session = startSigning(options({ exec: fake.exec }))
    await session.close()
    expect(fake.subcommands()).toEqual(['public-key'])
    expect(logged('info')).toEqual([])
    expect(logged('debug')).toEqual(['public-key'])
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test("a failed look-ahead is finish's SigningFailure, worded as signing's own", async () => {
    fake = withFault('public-key-fail')
    const session = startSigning(options({ exec: fake.exec }))
    const failure = (await session.finish(PASSED, predicate()).catch((caught: unknown) => caught)) as SigningFailure
    await session.close()
    expect(failure).toBeInstanceOf(SigningFailure)
    expect(failure.result.signed).toBe(false)
    expect(failure.message).toMatch(
      /^Signing localhost:5000\/acme\/app@sha256:(c3)+ failed: cosign public-key failed \(exit code 1\): .*decryption failed/,
    )
    expect(fake.subcommands()).toEqual(['public-key'])
  })

  test('keyless without the job token: close is quiet, finish names id-token: write, cosign never ran', async () => {
    const keyless = startSigning(options({ key: { kind: 'keyless' }, env: {} }))
    await keyless.close()
    const again = startSigning(options({ key: { kind: 'keyless' }, env: {} }))
    await expect(again.finish(PASSED, predicate())).rejects.toThrow('permissions: id-token: write')
    await again.close()
    expect(fake.calls).toEqual([])
  })

  test('finish refuses a verdict forced past the type: the look-ahead ran, nothing was signed', async () => {
    const session = startSigning(options())
    expect(await session.finish(forcedVerdict('failed'), predicate())).toEqual(NOT_SIGNED_RESULT)
    await session.close()
    expect(fake.subcommands()).toEqual(['public-key', 'verify'])
  })
})

describe('the checks after signing run side by side', () => {
  const NOT_FOUND = { exitCode: 1, stdout: '', stderr: 'Error: none of the attestations matched the predicate type' }

  /** The fake cosign, with some subcommands made slow or failing after signing, and each call's start and end. */
  function timed(slow: Record<string, number>, failing: string[] = []) {
    const spans: { subcommand: string; start: number; end: number }[] = []
    const exec: Exec = async (command, args, execOptions) => {
      const subcommand = args[0] ?? ''
      const start = performance.now()
      await new Promise((resolve) => setTimeout(resolve, slow[subcommand] ?? 0))
      const signed = fake.subcommands().includes('sign')
      const result =
        signed && failing.includes(subcommand)
          ? { ...NOT_FOUND, stderr: `Error: ${subcommand} refused` }
          : await fake.exec(command, args, execOptions)
      spans.push({ subcommand, start, end: performance.now() })
      return result
    }
    return { exec, spans }
  }

  test("both start before either ends, and verify's log lines print first though it ends last", async () => {
    vi.mocked(core.info).mockClear()
    const { exec, spans } = timed({ verify: 80 })
    expect((await signAndAttest(options({ exec }))).verified).toBe(true)
    const verify = spans.filter((span) => span.subcommand === 'verify')[1]
    const attestation = spans.find((span) => span.subcommand === 'verify-attestation')
    expect(attestation!.start).toBeLessThan(verify!.end)
    expect(attestation!.end).toBeLessThan(verify!.end)
    const lines = vi.mocked(core.info).mock.calls.map(([line]) => String(line).split(' ')[1])
    expect(lines.slice(-2)).toEqual(['verify', 'verify-attestation'])
  })

  test.each([
    [['verify', 'verify-attestation'], 'cosign verify failed'],
    [['verify-attestation'], 'cosign verify-attestation failed'],
  ])('%j failing: a SigningFailure naming the signature and %s', async (failing, message) => {
    const { exec } = timed({ 'verify-attestation': 30 }, failing)
    const failure = (await signAndAttest(options({ exec })).catch((caught: unknown) => caught)) as SigningFailure
    expect(failure).toBeInstanceOf(SigningFailure)
    expect(failure.result).toMatchObject({ signed: true, attested: true, verified: false })
    expect(failure.message).toContain(`was signed (signature: localhost:5000/acme/app:sha256-${'c3'.repeat(32)}.sig)`)
    expect(failure.message).toContain(message)
  })
})
