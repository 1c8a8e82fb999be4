// "Sign and attest", through the bundled action: a passed image is signed by digest with the signed annotations,
// attested and verified; nothing else is ever signed; both signature formats on cosign 3 and cosign 2.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  commands,
  pushImage,
  pushIndex,
  reports,
  runScenario,
  startWorld,
  testKey,
  type ScenarioRun,
  type World,
} from './world.js'

// Unpinned stand-in releases that follow the rules of the real cosign 3 and cosign 2.
let v3: World
let v2: World
const digests = new Map<World, string>()

beforeAll(async () => {
  ;[v3, v2] = await Promise.all([startWorld({ cosignVersion: 'v3.0.99' }), startWorld({ cosignVersion: 'v2.6.99' })])
  for (const world of [v3, v2]) digests.set(world, (await pushImage(world.registry.host, 'team/app', '1.0')).digest)
})
afterAll(async () => Promise.all([v3.close(), v2.close()]))

const tagged = (world: World) => `${world.registry.host}/team/app:1.0`
const pinned = (world: World) => `${world.registry.host}/team/app@${digests.get(world)}`
const sigTag = (world: World) => `${world.registry.host}/team/app:${digests.get(world)!.replace(':', '-')}.sig`

const SIGNED_ANNOTATIONS = [
  '-a',
  'security.example.com/scan-status=passed',
  '-a',
  'security.example.com/max-critical=0',
  '-a',
  'security.example.com/max-high=0',
  '-a',
  'security.example.com/max-medium=unlimited',
  '-a',
  'security.example.com/max-low=unlimited',
  '-a',
  'security.example.com/max-unknown=unlimited',
  '-a',
  'security.example.com/scanner=trivy@v0.74.99',
]
const LEGACY_ON_V3 = ['--new-bundle-format=false', '--use-signing-config=false']
const KEYLESS_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/_apis/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
}
const IDENTITY = 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'

function cosignCommands(run: ScenarioRun): string[] {
  return commands(run).filter((command) => command.startsWith('cosign '))
}

/**
 * The commands with each pair that vouch runs side by side (the look-ahead's tree and verify, the two checks after
 * signing) as a sorted pair: the stand-ins log when they start, which is a race between the two.
 */
function inOrder(commands: string[]): (string | string[])[] {
  const grouped: (string | string[])[] = []
  for (let index = 0; index < commands.length; index++) {
    const [first = '', second = ''] = commands.slice(index, index + 2)
    const pair = [first, second].sort()
    const together = [
      ['cosign tree', 'cosign verify'],
      ['cosign verify', 'cosign verify-attestation'],
    ].some((known) => known[0] === pair[0] && known[1] === pair[1])
    if (together) {
      grouped.push(pair)
      index++
    } else grouped.push(first)
  }
  return grouped
}

/** argv of every cosign call of one subcommand, in order. */
function cosignArgv(run: ScenarioRun, subcommand: string): string[][] {
  return run.invocations.filter((call) => call.tool === 'cosign' && call.argv[0] === subcommand).map((c) => c.argv)
}

/** Every cosign call that names an image names the scanned digest, and no argument carries the tag. */
function expectOnlyDigest(run: ScenarioRun, world: World): void {
  for (const { tool, argv } of run.invocations.filter((call) => call.tool === 'cosign')) {
    expect(argv.join(' ')).not.toContain(tagged(world))
    if (!['version', 'public-key'].includes(argv[0] ?? '')) expect([tool, argv.at(-1)]).toEqual([tool, pinned(world)])
  }
}

async function cosignState(run: ScenarioRun): Promise<{ signatures: { referrer?: string }[]; attestations: object[] }> {
  return JSON.parse(await readFile(path.join(path.dirname(run.logFile), 'cosign-state.json'), 'utf8'))
}

describe('a passed image is signed, attested and verified', () => {
  test('with a key: sign, attest, verify, verify-attestation by digest, with the signed annotations', async () => {
    const run = await runScenario(v3, tagged(v3))
    expect(run.exitCode, run.stdout).toBe(0)
    expect(inOrder(cosignCommands(run))).toEqual([
      'cosign version',
      'cosign public-key', // the public half, for verify
      'cosign verify', // the pre-check that makes reruns idempotent: nothing there yet
      'cosign sign',
      'cosign attest',
      ['cosign verify', 'cosign verify-attestation'], // side by side
    ])
    const [sign] = cosignArgv(run, 'sign')
    expect(sign).toEqual([
      'sign',
      '--yes',
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      ...LEGACY_ON_V3,
      '--allow-http-registry',
      ...SIGNED_ANNOTATIONS,
      pinned(v3),
    ])
    const [attest] = cosignArgv(run, 'attest')
    expect(attest).toEqual(expect.arrayContaining(['--type', 'vuln', '--predicate', run.outputs.predicate]))
    expect(attest).toEqual(expect.arrayContaining(['--key', 'env://COSIGN_PRIVATE_KEY', '--allow-http-registry']))
    const verify = cosignArgv(run, 'verify').at(-1)
    expect(verify).toEqual(expect.arrayContaining([...SIGNED_ANNOTATIONS, '--key', 'env://COSIGN_PUBLIC_KEY']))
    expect(verify).toEqual(expect.arrayContaining(['--new-bundle-format=false', '--allow-http-registry']))
    expect(cosignArgv(run, 'verify-attestation')[0]).toEqual(expect.arrayContaining(['--type', 'vuln']))
    expectOnlyDigest(run, v3)
    // The predicate attested is the file vouch wrote.
    expect(JSON.parse(await readFile(run.outputs.predicate ?? '', 'utf8'))).toEqual(
      ((await cosignState(run)).attestations[0] as { predicate: unknown }).predicate,
    )

    expect(run.outputs).toMatchObject({
      'scan-status': 'passed',
      signed: 'true',
      attested: 'true',
      signature: sigTag(v3),
      'cosign-version': 'v3.0.99',
    })
    expect(run.summary).toMatch(
      /```sh\ncosign verify \\\n {2}--key cosign\.pub \\\n {2}-a security\.example\.com\/scan-status=passed \\\n/,
    )
    expect(run.summary).toContain(pinned(v3))
  })

  test('attest: false signs and verifies, and attaches nothing', async () => {
    const run = await runScenario(v3, tagged(v3), { inputs: { attest: 'false' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(cosignCommands(run)).toEqual([
      'cosign version',
      'cosign public-key',
      'cosign verify',
      'cosign sign',
      'cosign verify',
    ])
    expect(run.outputs).toMatchObject({ signed: 'true', attested: 'false', signature: sigTag(v3) })
  })

  test('an index is signed with --recursive, by the index digest', async () => {
    const index = await pushIndex(v3.registry.host, 'team/multi', '2.0', ['linux/amd64', 'linux/arm64'])
    const run = await runScenario(v3, `${v3.registry.host}/team/multi:2.0`)
    expect(run.exitCode, run.stdout).toBe(0)
    const [sign] = cosignArgv(run, 'sign')
    expect(sign).toContain('--recursive')
    expect(sign?.at(-1)).toBe(`${v3.registry.host}/team/multi@${index.digest}`)
    expect(cosignArgv(run, 'attest')[0]).not.toContain('--recursive')
  })
})

interface UnsignedCase {
  name: string
  reports?: Record<string, string>
  env?: Record<string, string>
  inputs?: Record<string, string>
  exitCode?: number
  status: string
  noDownload?: boolean
}

describe('nothing but a passed image is signed', () => {
  test.each<UnsignedCase>([
    { name: 'failed verdict', reports: { default: reports.critical }, exitCode: 1, status: 'failed' },
    { name: 'error verdict', env: { VOUCH_FAKE_TRIVY_FAIL: 'crash' }, exitCode: 1, status: 'error' },
    {
      name: 'audit mode, failed',
      reports: { default: reports.critical },
      inputs: { enforce: 'false' },
      status: 'failed',
    },
    { name: 'sign: false', inputs: { sign: 'false' }, status: 'passed', noDownload: true },
  ])(
    '$name: cosign never signs or attests',
    async ({ reports: given, env, inputs, exitCode = 0, status, noDownload }) => {
      const requestsBefore = v3.mirror.requests.length
      const run = await runScenario(v3, tagged(v3), {
        ...(given ? { reports: given } : {}),
        ...(env ? { env } : {}),
        ...(inputs ? { inputs } : {}),
      })
      expect(run.exitCode, run.stdout).toBe(exitCode)
      expect(run.outputs).toMatchObject({ 'scan-status': status, signed: 'false', attested: 'false', signature: '' })
      expect(cosignCommands(run)).not.toContain('cosign sign')
      expect(cosignCommands(run)).not.toContain('cosign attest')
      if (noDownload) {
        // cosign is not even downloaded: no request for its asset, nothing in the tool cache, never run.
        expect(v3.mirror.requests.slice(requestsBefore).map((request) => request.path)).not.toContain(
          v3.tools.cosign.path,
        )
        expect(existsSync(path.join(run.runner.toolCache, 'cosign'))).toBe(false)
        expect(cosignCommands(run)).toEqual([])
        expect(run.outputs['cosign-version']).toBe('')
      }
    },
  )
})

describe('keyless signing', () => {
  test('without the OIDC request variables: error verdict naming id-token: write, nothing signed', async () => {
    const run = await runScenario(v3, tagged(v3), { inputs: { 'cosign-key': '' } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false', signature: '' })
    expect(run.errors.join('\n')).toContain('id-token: write')
    // An input error found before the network: cosign is not even downloaded.
    expect(cosignCommands(run)).toEqual([])
  })

  test("with the job's OIDC token: signed, and verified against the workflow identity", async () => {
    const run = await runScenario(v3, tagged(v3), { inputs: { 'cosign-key': '' }, env: KEYLESS_ENV })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(inOrder(cosignCommands(run))).toEqual([
      'cosign version',
      'cosign verify',
      'cosign sign',
      'cosign attest',
      ['cosign verify', 'cosign verify-attestation'],
    ])
    expect(cosignArgv(run, 'sign')[0]).not.toContain('--key')
    const sign = run.invocations.find((call) => call.tool === 'cosign' && call.argv[0] === 'sign')
    expect(sign?.env).toEqual(expect.arrayContaining(Object.keys(KEYLESS_ENV)))
    expect(cosignArgv(run, 'verify').length).toBeGreaterThanOrEqual(1)
    expect(cosignArgv(run, 'verify-attestation')).toHaveLength(1)
    for (const argv of [...cosignArgv(run, 'verify'), ...cosignArgv(run, 'verify-attestation')]) {
      expect(argv).toEqual(
        expect.arrayContaining(['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER]),
      )
      expect(argv[argv.indexOf('--certificate-identity') + 1]).toBe(IDENTITY)
      expect(argv[argv.indexOf('--certificate-oidc-issuer') + 1]).toBe(ISSUER)
    }
    expect(run.outputs).toMatchObject({ signed: 'true', attested: 'true', signature: sigTag(v3) })
    expect(run.summary).toContain(`--certificate-identity ${IDENTITY} \\\n  --certificate-oidc-issuer ${ISSUER}`)
  })
})

describe('signature formats on cosign 3 and cosign 2', () => {
  test.each([
    { format: 'legacy', cosign: 'v3.0.99', world: () => v3, flags: LEGACY_ON_V3 },
    { format: 'legacy', cosign: 'v2.6.99', world: () => v2, flags: [] },
  ])('$format on $cosign: the .sig tag', async ({ format, world, flags, cosign }) => {
    const run = await runScenario(world(), tagged(world()), { inputs: { 'signature-format': format } })
    expect(run.exitCode, run.stdout).toBe(0)
    const [sign] = cosignArgv(run, 'sign')
    for (const flag of LEGACY_ON_V3) expect(sign?.includes(flag)).toBe(flags.includes(flag))
    expect(cosignArgv(run, 'attest')[0]).toEqual(expect.arrayContaining(flags))
    expect(run.outputs).toMatchObject({ signed: 'true', signature: sigTag(world()), 'cosign-version': cosign })
    expectOnlyDigest(run, world())
  })

  test('bundle on v3.0.99: signed, and the signature output is the referrer digest', async () => {
    const run = await runScenario(v3, tagged(v3), { inputs: { 'signature-format': 'bundle' } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(inOrder(cosignCommands(run))).toEqual([
      'cosign version',
      'cosign public-key',
      ['cosign tree', 'cosign verify'], // side by side: the referrers before signing, the reuse probe
      'cosign sign',
      'cosign tree', // the one signing added
      'cosign attest',
      ['cosign verify', 'cosign verify-attestation'],
    ])
    for (const argv of [...cosignArgv(run, 'sign'), ...cosignArgv(run, 'attest'), ...cosignArgv(run, 'verify')]) {
      expect(argv.filter((arg) => /^--(new-bundle-format|use-signing-config)/.test(arg))).toEqual([])
    }
    const [signature] = (await cosignState(run)).signatures
    expect(signature?.referrer).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(signature?.referrer).not.toBe(digests.get(v3))
    expect(run.outputs).toMatchObject({
      signed: 'true',
      attested: 'true',
      signature: `${v3.registry.host}/team/app@${signature?.referrer}`,
    })
    expectOnlyDigest(run, v3)
  })

  test('bundle on v2.6.99: an input error naming signature-format, before anything is downloaded', async () => {
    const requestsBefore = v2.mirror.requests.length
    const run = await runScenario(v2, tagged(v2), { inputs: { 'signature-format': 'bundle' } })
    expect(run.exitCode).toBe(1)
    const message = run.errors.join('\n')
    expect(message).toContain('`signature-format`')
    expect(message).toMatch(/requires cosign v3 .*v2\.6\.99.*"bundle"/)
    expect(v2.mirror.requests.length - requestsBefore).toBe(0)
    expect(run.invocations).toEqual([])
    expect(existsSync(path.join(run.runner.toolCache, 'trivy'))).toBe(false)
  })
})

describe('tlog-upload: false', () => {
  test.each([
    { name: 'legacy on cosign 3', world: () => v3, format: 'legacy', sign: [...LEGACY_ON_V3, '--tlog-upload=false'] },
    {
      name: 'bundle on cosign 3',
      world: () => v3,
      format: 'bundle',
      sign: ['--use-signing-config=false', '--tlog-upload=false'],
    },
    { name: 'legacy on cosign 2', world: () => v2, format: 'legacy', sign: ['--tlog-upload=false'] },
  ])('$name: signs without Rekor and verifies ignoring the tlog', async ({ world, format, sign }) => {
    const run = await runScenario(world(), tagged(world()), {
      inputs: { 'tlog-upload': 'false', 'signature-format': format },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const bundleFlags = (argv: string[] | undefined) =>
      (argv ?? []).filter((arg) => /^--(new-bundle-format|use-signing-config|tlog-upload)/.test(arg))
    expect(bundleFlags(cosignArgv(run, 'sign')[0])).toEqual(sign)
    expect(bundleFlags(cosignArgv(run, 'attest')[0])).toEqual(sign)
    expect(cosignArgv(run, 'verify').length).toBeGreaterThanOrEqual(1)
    expect(cosignArgv(run, 'verify-attestation')).toHaveLength(1)
    for (const argv of [...cosignArgv(run, 'verify'), ...cosignArgv(run, 'verify-attestation')]) {
      expect(argv).toContain('--insecure-ignore-tlog=true')
    }
    expect(run.outputs).toMatchObject({ signed: 'true', attested: 'true' })
  })
})

describe('a failure after signing still names the signature', () => {
  test.each([
    {
      fault: 'verify-mismatch',
      attested: 'true',
      message: /was signed \(signature: .*\.sig\), but then: .*none is a legacy signature/,
    },
    {
      fault: 'attest-fail',
      attested: 'false',
      message: /was signed \(signature: .*\.sig\), but then: cosign attest failed/,
    },
  ])('$fault: error verdict, the step fails, signed and signature kept', async ({ fault, attested, message }) => {
    const run = await runScenario(v3, tagged(v3), { env: { VOUCH_FAKE_COSIGN_FAIL: fault } })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', signed: 'true', attested, signature: sigTag(v3) })
    expect(run.errors.join('\n')).toMatch(message)
    expect(run.summary).toContain(sigTag(v3))
  })
})

describe('reruns', () => {
  test('the same key on an already-signed digest: verified and reused, not signed twice', async () => {
    const state = path.join(await mkdtemp(path.join(tmpdir(), 'vouch-cosign-state-')), 'state.json')
    const env = { VOUCH_FAKE_COSIGN_STATE: state }
    const first = await runScenario(v3, tagged(v3), { env })
    const second = await runScenario(v3, tagged(v3), { env })
    expect([first.exitCode, second.exitCode], second.stdout).toEqual([0, 0])
    expect(inOrder(cosignCommands(second))).toEqual([
      'cosign version',
      'cosign public-key',
      'cosign verify', // finds this key's signature with these annotations
      'cosign attest', // a new scan is a new attestation
      ['cosign verify', 'cosign verify-attestation'],
    ])
    expect(second.outputs).toMatchObject({ signed: 'true', attested: 'true', signature: first.outputs.signature })
    const stored = JSON.parse(await readFile(state, 'utf8')) as {
      signatures: unknown[]
      attestations: { predicate: { invocation: { parameters: { vouch: { scanStatus: string } } } } }[]
    }
    // One vuln attestation per image: the second run's `attest --replace` took the first one's place.
    expect([stored.signatures.length, stored.attestations.length]).toEqual([1, 1])
    expect(stored.attestations[0]?.predicate.invocation.parameters.vouch.scanStatus).toBe('passed')

    // Another key's signature is not this key's: a third run with another key signs.
    const other = await runScenario(v3, tagged(v3), { env, inputs: { 'cosign-key': testKey('OTHERKEY') } })
    expect(other.exitCode, other.stdout).toBe(0)
    expect(cosignCommands(other)).toContain('cosign sign')
  })
})

/** The log lines between `::group::<title…>` and its `::endgroup::`. */
function groupLines(run: ScenarioRun, title: string): string[] {
  const lines = run.stdout.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`::group::${title}`))
  expect(start, `no group ${title}`).toBeGreaterThanOrEqual(0)
  const end = lines.indexOf('::endgroup::', start)
  return lines.slice(start + 1, end)
}

describe('signing looks ahead while Trivy scans', () => {
  const SCAN_MS = 1500

  test('public-key and the reuse probe run during the scan; their lines print in the Sign group, in order', async () => {
    const run = await runScenario(v3, tagged(v3), {
      env: { VOUCH_FAKE_TRIVY_SCAN_MS: String(SCAN_MS), VOUCH_FAKE_COSIGN_SLOW: 'verify:400' },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    const started = (tool: string, subcommand: string): number[] =>
      run.invocations.filter((call) => call.tool === tool && call.argv[0] === subcommand).map((call) => call.time)
    const [scanStarted = NaN] = started('trivy', 'image')
    const [publicKey = NaN] = started('cosign', 'public-key')
    const [probe = NaN, verify = NaN] = started('cosign', 'verify')
    const [sign = NaN] = started('cosign', 'sign')
    const [verifyAttestation = NaN] = started('cosign', 'verify-attestation')
    // Both started before the scan could have ended; signing waited for it.
    expect(publicKey).toBeLessThan(scanStarted + SCAN_MS)
    expect(probe).toBeLessThan(scanStarted + SCAN_MS)
    expect(sign).toBeGreaterThanOrEqual(scanStarted + SCAN_MS)
    // verify (400 ms here) and verify-attestation ran side by side, after attest.
    expect(verifyAttestation).toBeLessThan(verify + 400)
    expect(Math.min(verify, verifyAttestation)).toBeGreaterThan(started('cosign', 'attest')[0] ?? NaN)

    const scanGroup = run.stdout.split('\n').filter((line) => line.startsWith('::group::Trivy'))
    expect(scanGroup).toHaveLength(1)
    expect(groupLines(run, 'Trivy').filter((line) => line.startsWith('cosign '))).toEqual([])
    const signGroup = groupLines(run, `Sign ${pinned(v3)}`)
    expect(signGroup.filter((line) => line.startsWith('cosign ')).map((line) => line.split(' ')[1])).toEqual([
      'public-key',
      'verify',
      'sign',
      'attest',
      'verify',
      'verify-attestation',
    ])
  })

  test('a failing look-ahead does not touch a failed verdict, and is the signing error of a passed one', async () => {
    const failed = await runScenario(v3, tagged(v3), {
      reports: { default: reports.critical },
      env: { VOUCH_FAKE_COSIGN_FAIL: 'public-key-fail' },
    })
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs).toMatchObject({ 'scan-status': 'failed', signed: 'false' })
    expect(failed.errors.join('\n')).toContain('failed the gate')
    expect(failed.errors.join('\n')).not.toContain('public-key')
    expect(cosignCommands(failed)).toEqual(['cosign version', 'cosign public-key'])

    const passed = await runScenario(v3, tagged(v3), { env: { VOUCH_FAKE_COSIGN_FAIL: 'public-key-fail' } })
    expect(passed.exitCode).toBe(1)
    expect(passed.outputs).toMatchObject({ 'scan-status': 'error', signed: 'false', signature: '' })
    expect(passed.errors.join('\n')).toMatch(
      new RegExp(
        `Signing ${escape(pinned(v3))} failed: cosign public-key failed \\(exit code 1\\): .*decryption failed`,
      ),
    )
    expect(cosignCommands(passed)).toEqual(['cosign version', 'cosign public-key'])
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
