// The stand-in cosign reads its command line as cobra and pflag do, release by release. The expected stderr lines are
// what the real cosign v3.0.6 and v2.6.1 binaries printed for the same arguments (run by hand on the pinned builds).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { handle, publicKeyOf } from '../fakes/cosign-commands.mjs'
import { parseAttestationStatements, parseVerifiedSignatures } from '../../src/cosign/output.js'

const IMAGE = `localhost:5000/acme/app@sha256:${'e7'.repeat(32)}`
const PRIVATE = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nflags\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
const KEY = ['--key', 'env://COSIGN_PRIVATE_KEY']
const LEGACY = ['--new-bundle-format=false', '--use-signing-config=false', '--tlog-upload=false']
let temp: string

beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'vouch-fake-cosign-flags-'))
})
afterEach(() => rmSync(temp, { recursive: true, force: true }))

async function run(argv: string[], version = '3.0.6') {
  const out = { stdout: '', stderr: '' }
  const env = {
    VOUCH_FAKE_COSIGN_STATE: path.join(temp, 'state.json'),
    COSIGN_PASSWORD: '',
    COSIGN_PRIVATE_KEY: PRIVATE,
    COSIGN_PUBLIC_KEY: publicKeyOf(PRIVATE),
  }
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  }
  const code = await handle(argv, env, io, { version })
  return { code, ...out, errorLine: out.stderr.split('\n').find((line) => line.startsWith('Error: ')) }
}
const state = () =>
  JSON.parse(readFileSync(path.join(temp, 'state.json'), 'utf8')) as {
    signatures: { annotations: Record<string, string> }[]
    attestations: { format: string; predicate: { n: number } }[]
  }

describe.each(['3.0.6', '2.6.1'])('cosign %s refuses as cobra does, exit 1', (version) => {
  test.each([
    [['sign', '--bogus', IMAGE], 'unknown flag: --bogus'],
    [['sign', '-z', IMAGE], "unknown shorthand flag: 'z' in -z"],
    [['sign', '-yz', IMAGE], 'unknown flag: --yz'],
    [['sign', '-a=x=y', IMAGE], 'unknown flag: --a'],
    [['sign', '---x', IMAGE], 'bad flag syntax: ---x'],
    [['sign', '--yes=T', '--key'], 'flag needs an argument: --key'],
    [['sign', '-a'], "flag needs an argument: 'a' in -a"],
    [
      ['sign', '--yes=maybe', IMAGE],
      'invalid argument "maybe" for "-y, --yes" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['sign', '-a', 'a"b=c', IMAGE],
      'invalid argument "a\\"b=c" for "-a, --annotations" flag: parse error on line 1, column 2: bare " in non-quoted-field',
    ],
    [
      ['verify', '--max-workers=abc', IMAGE],
      'invalid argument "abc" for "--max-workers" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ['sign', '--timeout=5', IMAGE],
      'invalid argument "5" for "-t, --timeout" flag: time: missing unit in duration "5"',
    ],
    [
      ['sign', '--timeout=5x', IMAGE],
      'invalid argument "5x" for "-t, --timeout" flag: time: unknown unit "x" in duration "5x"',
    ],
    [['attest', '--recursive', IMAGE], 'unknown flag: --recursive'],
  ])('%j', async (argv, message) => {
    const result = await run(argv, version)
    expect(result.code).toBe(1)
    expect(result.errorLine).toBe(`Error: ${message}`)
    expect(result.stderr).toContain(`error during command execution: ${message}\n`)
  })

  test('a single-dash long flag is rewritten with cosign’s warning first', async () => {
    const { stderr } = await run(['sign', '-yz', IMAGE], version)
    expect(stderr.split('\n')[0]).toBe(
      'WARNING: the -yz flag is deprecated and will be removed in a future release. Please use the --yz flag instead.',
    )
  })
})

describe('flags that only some releases have', () => {
  test.each([
    ['2.5.3', ['sign', '--use-signing-config=false'], 'unknown flag: --use-signing-config'],
    ['2.5.3', ['sign', '--new-bundle-format=false'], 'unknown flag: --new-bundle-format'],
    ['2.4.1', ['attest', '--new-bundle-format=false'], 'unknown flag: --new-bundle-format'],
    ['2.4.1', ['verify', '--new-bundle-format=false'], 'unknown flag: --new-bundle-format'],
    ['2.6.1', ['sign', '--bundle', 'out.json'], 'unknown flag: --bundle'],
  ])('cosign %s %j', async (version, args, message) => {
    const result = await run([...args, IMAGE], version)
    expect([result.code, result.errorLine]).toEqual([1, `Error: ${message}`])
  })

  test('cosign 2.5 attest still takes --recursive; 2.6 and 3 do not', async () => {
    expect((await run(['attest', '--recursive', '--predicate', 'x', IMAGE], '2.5.3')).errorLine).not.toContain(
      'unknown flag',
    )
    expect((await run(['attest', '--recursive', IMAGE], '2.6.1')).errorLine).toBe('Error: unknown flag: --recursive')
  })

  test('--tlog-upload is deprecated in cosign 3, with pflag’s notice, and silent in cosign 2', async () => {
    const v3 = await run(['sign', '--yes', ...KEY, ...LEGACY, IMAGE])
    expect(v3.code).toBe(0)
    expect(v3.stderr).toContain(
      'Flag --tlog-upload has been deprecated, prefer using a --signing-config file with no transparency log services\n',
    )
    const v2 = await run(['sign', '--yes', ...KEY, '--tlog-upload=false', IMAGE], '2.6.1')
    expect([v2.code, v2.stderr.includes('deprecated')]).toEqual([0, false])
  })
})

describe('values as pflag reads them', () => {
  test.each([['--yes=T'], ['--yes=1'], ['--yes=True'], ['-y']])('bool %s is strconv.ParseBool true', async (flag) => {
    expect((await run(['sign', flag, ...KEY, ...LEGACY, IMAGE])).code).toBe(0)
  })

  test('--tlog-upload=0 is false: cosign 3 with a signing config refuses it', async () => {
    const result = await run(['sign', '--yes', ...KEY, '--new-bundle-format=false', '--tlog-upload=0', IMAGE])
    expect(result.code).toBe(1)
    expect(result.errorLine).toContain('--tlog-upload=false is not supported with --signing-config')
  })

  test('-a is a CSV string slice: repeated flags append, commas split, quotes group', async () => {
    const result = await run(['sign', '--yes', ...KEY, ...LEGACY, '-a', 'a=1,b=2', '-a', '"c=x,y"', IMAGE])
    expect(result.code).toBe(0)
    expect(state().signatures[0]?.annotations).toEqual({ a: '1', b: '2', c: 'x,y' })
  })

  test('an item that does not split on `=` into two parts is unparseable, as options/annotations.go says', async () => {
    const comma = await run(['sign', '--yes', ...KEY, ...LEGACY, '-a', 'owner=team-a,team-b', IMAGE])
    expect(comma.code).toBe(1)
    expect(comma.errorLine).toBe(`Error: signing [${IMAGE}]: getting annotations: unable to parse annotation: team-b`)
    const equals = await run(['verify', '--key', 'env://COSIGN_PUBLIC_KEY', '-a', 'note=a=b', IMAGE])
    expect([equals.code, equals.errorLine]).toEqual([1, 'Error: unable to parse annotation: note=a=b'])
  })

  test('flags and the image interleave; `--` ends the flags', async () => {
    expect((await run(['sign', IMAGE, '--yes', ...KEY, ...LEGACY])).code).toBe(0)
    const result = await run(['sign', '--yes', ...KEY, ...LEGACY, '--', '--not-a-flag'])
    expect(result.stderr).not.toContain('unknown flag')
  })
})

describe('one vuln attestation per image in the legacy format', () => {
  const attest = async (n: number, format: string[], extra: string[] = []) => {
    const file = path.join(temp, `p${n}.json`)
    writeFileSync(file, JSON.stringify({ n }))
    return run(['attest', '--yes', '--type', 'vuln', '--predicate', file, ...extra, ...KEY, ...format, IMAGE])
  }
  const verifyAttestation = (format: string[]) =>
    run([
      'verify-attestation',
      '--key',
      'env://COSIGN_PUBLIC_KEY',
      '--type',
      'vuln',
      '--insecure-ignore-tlog',
      ...format,
      IMAGE,
    ])

  test('--replace drops the earlier attestation of the type, with cosign’s line', async () => {
    await attest(1, LEGACY, ['--replace'])
    const second = await attest(2, LEGACY, ['--replace'])
    expect(second.stderr).toContain(
      'Replacing attestation predicate: https://cosign.sigstore.dev/attestation/vuln/v1\n',
    )
    expect(state().attestations.map((a) => a.predicate.n)).toEqual([2])
    expect(parseAttestationStatements((await verifyAttestation(['--new-bundle-format=false'])).stdout)).toHaveLength(1)
  })

  test('without --replace, and in the bundle format with it, attestations accumulate (as measured on cosign 3.0.6)', async () => {
    await attest(1, LEGACY)
    await attest(2, LEGACY)
    expect(state().attestations).toHaveLength(2)
    const bundle = ['--use-signing-config=false', '--tlog-upload=false']
    await attest(3, bundle, ['--replace'])
    await attest(4, bundle, ['--replace'])
    expect(
      state()
        .attestations.filter((a) => a.format === 'bundle')
        .map((a) => a.predicate.n),
    ).toEqual([3, 4])
  })

  test('verify-attestation exits 1 with no attestation, or none of the type (verify alone maps to 10-13)', async () => {
    const none = await verifyAttestation(['--new-bundle-format=false'])
    expect([none.code, none.errorLine]).toEqual([1, 'Error: no matching attestations: '])
    const file = path.join(temp, 'custom.json')
    writeFileSync(file, '{}')
    await run(['attest', '--yes', '--predicate', file, ...KEY, ...LEGACY, IMAGE])
    const other = await verifyAttestation(['--new-bundle-format=false'])
    expect(other.code).toBe(1)
    expect(other.errorLine).toBe(
      'Error: none of the attestations matched the predicate type: vuln, found: https://cosign.sigstore.dev/attestation/v1',
    )
  })

  test('a signed -a annotation comes back from verify exactly as split', async () => {
    await run(['sign', '--yes', ...KEY, ...LEGACY, '-a', 'security.example.com/max-high=unlimited', IMAGE])
    const { stdout } = await run([
      'verify',
      '--key',
      'env://COSIGN_PUBLIC_KEY',
      '--insecure-ignore-tlog',
      '--new-bundle-format=false',
      IMAGE,
    ])
    expect(parseVerifiedSignatures(stdout)[0]?.optional).toEqual({ 'security.example.com/max-high': 'unlimited' })
  })
})
