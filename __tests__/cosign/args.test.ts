import { describe, expect, test } from 'vitest'
import { InputError, SigningError } from '../../src/errors.js'
import type { SignatureFormat } from '../../src/cosign/args.js'
import type { CosignKey } from '../../src/cosign/keys.js'
import {
  attestArgs,
  checkFormatSupported,
  cosignEnv,
  legacySignatureTag,
  publicKeyArgs,
  signArgs,
  treeArgs,
  verifyArgs,
  verifyAttestationArgs,
  verifyCommand,
} from '../../src/cosign/args.js'
import { ANNOTATIONS } from './default-annotations.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const IMAGE = `ghcr.io/acme/app@${DIGEST}`
const LOCAL = `localhost:5000/acme/app@${DIGEST}`
const PEM_MARKER = 'PEM-SECRET-MARKER-7f3a'
const PEM: CosignKey = {
  kind: 'pem',
  pem: `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${PEM_MARKER}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`,
}
const KMS: CosignKey = { kind: 'uri', uri: 'awskms:///arn:aws:kms:us-east-1:111122223333:key/abc' }
const KEYLESS: CosignKey = { kind: 'keyless' }
const A = ANNOTATIONS.flatMap(([key, value]) => ['-a', `${key}=${value}`])
const LEGACY_V3 = ['--new-bundle-format=false', '--use-signing-config=false']

const sign = (over: Partial<Parameters<typeof signArgs>[0]>) =>
  signArgs({
    image: IMAGE,
    annotations: ANNOTATIONS,
    key: PEM,
    format: 'legacy',
    tlogUpload: true,
    cosignVersion: 'v3.0.6',
    recursive: false,
    insecureRegistry: false,
    ...over,
  })

describe('signArgs', () => {
  test.each([
    ['legacy, cosign 3, PEM, tlog', {}, ['--key', 'env://COSIGN_PRIVATE_KEY', ...LEGACY_V3]],
    [
      'legacy, cosign 3, PEM, no tlog',
      { tlogUpload: false },
      ['--key', 'env://COSIGN_PRIVATE_KEY', ...LEGACY_V3, '--tlog-upload=false'],
    ],
    ['legacy, cosign 3, KMS', { key: KMS }, ['--key', KMS.kind === 'uri' ? KMS.uri : '', ...LEGACY_V3]],
    [
      'legacy, cosign 3, env:// key',
      { key: { kind: 'uri', uri: 'env://MY_KEY' } as CosignKey },
      ['--key', 'env://MY_KEY', ...LEGACY_V3],
    ],
    ['legacy, cosign 3, keyless', { key: KEYLESS }, [...LEGACY_V3]],
    ['legacy, cosign 3, keyless, no tlog', { key: KEYLESS, tlogUpload: false }, [...LEGACY_V3, '--tlog-upload=false']],
    ['legacy, cosign 2, PEM, tlog', { cosignVersion: 'v2.6.1' }, ['--key', 'env://COSIGN_PRIVATE_KEY']],
    [
      'legacy, cosign 2, PEM, no tlog',
      { cosignVersion: 'v2.6.1', tlogUpload: false },
      ['--key', 'env://COSIGN_PRIVATE_KEY', '--tlog-upload=false'],
    ],
    ['legacy, cosign 2, keyless', { cosignVersion: 'v2.6.1', key: KEYLESS }, []],
    ['bundle, cosign 3, PEM, tlog', { format: 'bundle' as SignatureFormat }, ['--key', 'env://COSIGN_PRIVATE_KEY']],
    ['bundle, cosign 3, keyless, tlog', { format: 'bundle' as SignatureFormat, key: KEYLESS }, []],
    [
      'bundle, cosign 3, PEM, no tlog',
      { format: 'bundle' as SignatureFormat, tlogUpload: false },
      ['--key', 'env://COSIGN_PRIVATE_KEY', '--use-signing-config=false', '--tlog-upload=false'],
    ],
    [
      'bundle, cosign 3, KMS, no tlog',
      { format: 'bundle' as SignatureFormat, tlogUpload: false, key: KMS },
      ['--key', KMS.kind === 'uri' ? KMS.uri : '', '--use-signing-config=false', '--tlog-upload=false'],
    ],
  ])('%s', (_name, over, middle) => {
    expect(sign(over)).toEqual(['sign', '--yes', ...middle, ...A, IMAGE])
  })

  test('a loopback registry gets --allow-http-registry, an index --recursive, both before the annotations', () => {
    expect(sign({ image: LOCAL, insecureRegistry: true, recursive: true })).toEqual([
      'sign',
      '--yes',
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      ...LEGACY_V3,
      '--allow-http-registry',
      '--recursive',
      ...A,
      LOCAL,
    ])
  })

  test.each(['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app', `ghcr.io/acme/app@sha256:${'ab'.repeat(31)}`, `-x@${DIGEST}`])(
    'refuses %s: only a digest is signed',
    (image) => {
      expect(() => sign({ image })).toThrow(SigningError)
    },
  )

  // cosign v3.0.6 reads `-a` as CSV items, each split on every `=` into exactly two parts.
  test.each([
    ['a key holding `=`', ['a=b', 'c']],
    ['a value holding `=`', ['note', 'a = b']],
    ['a value holding `,`', ['owner', 'team-a,team-b']],
    ['a value holding `"`', ['note', 'say "hi"']],
    ['a value holding a line break', ['note', 'one\ntwo']],
    ['an empty key', ['', 'x']],
  ] as const)('refuses %s: cosign would sign something else or nothing', (_name, [key, value]) => {
    expect(() => sign({ annotations: [[key, value]] })).toThrow(InputError)
  })

  test('keeps a value with spaces in one argument', () => {
    expect(sign({ annotations: [['note', 'a b']] }).slice(-3)).toEqual(['-a', 'note=a b', IMAGE])
  })
})

describe('checkFormatSupported', () => {
  test.each([
    ['bundle', 'v2.6.1', 'requires cosign v3 or later; cosign-version is v2.6.1'],
    ['bundle', 'v3.0.2', 'requires cosign v3.0.3 or later'],
    ['legacy', 'v1.13.1', 'must be a cosign v2.x or v3.x release'],
  ] as const)('%s with %s is an input error', (format, version, message) => {
    expect(() => checkFormatSupported(format, version)).toThrow(InputError)
    expect(() => checkFormatSupported(format, version)).toThrow(message)
  })

  test('names the input and the value', () => {
    const error = (() => {
      try {
        checkFormatSupported('bundle', 'v2.6.1')
      } catch (caught) {
        return caught as InputError
      }
    })()
    expect([error?.input, error?.value]).toEqual(['signature-format', 'bundle'])
  })

  test.each([
    ['legacy', 'v2.6.1'],
    ['legacy', 'v3.0.6'],
    ['bundle', 'v3.0.6'],
    ['bundle', '3.0.3'],
  ] as const)('%s with %s is accepted', (format, version) => {
    expect(() => checkFormatSupported(format, version)).not.toThrow()
  })

  test('signArgs refuses bundle on cosign 2 too', () => {
    expect(() => sign({ format: 'bundle', cosignVersion: 'v2.6.1' })).toThrow(InputError)
  })
})

describe('attestArgs', () => {
  test.each([
    ['legacy, cosign 3', 'legacy', 'v3.0.6', true, LEGACY_V3],
    ['legacy, cosign 2, no tlog', 'legacy', 'v2.6.1', false, ['--tlog-upload=false']],
    ['bundle, cosign 3', 'bundle', 'v3.0.6', true, []],
  ] as const)('%s', (_name, format, cosignVersion, tlogUpload, flags) => {
    const replace = format === 'legacy' ? ['--replace'] : []
    const args = attestArgs({
      image: LOCAL,
      key: PEM,
      format,
      tlogUpload,
      cosignVersion,
      insecureRegistry: true,
      predicateFile: '/tmp/p.json',
    })
    expect(args).toEqual([
      'attest',
      '--yes',
      '--type',
      'vuln',
      '--predicate',
      '/tmp/p.json',
      ...replace,
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      ...flags,
      '--allow-http-registry',
      LOCAL,
    ])
  })
})

describe('verifyArgs', () => {
  const keyless = {
    kind: 'keyless',
    identity: 'https://github.com/acme/app/.github/workflows/ci.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
  } as const
  const verify = (over: Partial<Parameters<typeof verifyArgs>[0]>) =>
    verifyArgs({
      image: IMAGE,
      verifier: { kind: 'public-key' },
      annotations: ANNOTATIONS,
      format: 'legacy',
      tlogUpload: true,
      cosignVersion: 'v3.0.6',
      insecureRegistry: false,
      ...over,
    })

  test.each([
    [
      'legacy, cosign 3, key',
      {},
      ['--key', 'env://COSIGN_PUBLIC_KEY', ...A, '--output', 'json', '--new-bundle-format=false'],
    ],
    [
      'legacy, cosign 2, key',
      { cosignVersion: 'v2.6.1' },
      ['--key', 'env://COSIGN_PUBLIC_KEY', ...A, '--output', 'json'],
    ],
    [
      'bundle, cosign 3, key',
      { format: 'bundle' as SignatureFormat },
      ['--key', 'env://COSIGN_PUBLIC_KEY', ...A, '--output', 'json'],
    ],
    [
      'legacy, cosign 3, no tlog',
      { tlogUpload: false },
      [
        '--key',
        'env://COSIGN_PUBLIC_KEY',
        ...A,
        '--output',
        'json',
        '--new-bundle-format=false',
        '--insecure-ignore-tlog=true',
      ],
    ],
    [
      'bundle, cosign 3, keyless',
      { format: 'bundle' as SignatureFormat, verifier: keyless },
      [
        '--certificate-identity',
        keyless.identity,
        '--certificate-oidc-issuer',
        keyless.issuer,
        ...A,
        '--output',
        'json',
      ],
    ],
  ])('%s', (_name, over, middle) => {
    expect(verify(over)).toEqual(['verify', ...middle, IMAGE])
  })

  test('loopback: --allow-http-registry before the image', () => {
    expect(verify({ image: LOCAL, insecureRegistry: true, cosignVersion: 'v2.6.1' }).slice(-2)).toEqual([
      '--allow-http-registry',
      LOCAL,
    ])
  })

  test('verify-attestation asks for the vuln type and carries no annotations', () => {
    const args = verifyAttestationArgs({
      image: LOCAL,
      verifier: { kind: 'public-key' },
      format: 'legacy',
      tlogUpload: false,
      cosignVersion: 'v3.0.6',
      insecureRegistry: true,
    })
    expect(args).toEqual([
      'verify-attestation',
      '--key',
      'env://COSIGN_PUBLIC_KEY',
      '--type',
      'vuln',
      '--output',
      'json',
      '--new-bundle-format=false',
      '--insecure-ignore-tlog=true',
      '--allow-http-registry',
      LOCAL,
    ])
  })

  test('verifyCommand is a pasteable shell line with cosign.pub and quoted values', () => {
    expect(
      verifyCommand({
        image: IMAGE,
        verifier: { kind: 'public-key' },
        annotations: [
          ['security.example.com/scan-status', 'passed'],
          ['note', "it's ok"],
        ],
        format: 'legacy',
        tlogUpload: false,
        cosignVersion: 'v2.6.1',
        insecureRegistry: false,
      }),
    ).toBe(
      `cosign verify --key cosign.pub -a security.example.com/scan-status=passed -a 'note=it'"'"'s ok' --insecure-ignore-tlog=true ${IMAGE}`,
    )
  })
})

describe('keys, environment, references', () => {
  test.each([
    [PEM, ['public-key', '--key', 'env://COSIGN_PRIVATE_KEY']],
    [KMS, ['public-key', '--key', KMS.kind === 'uri' ? KMS.uri : '']],
  ])('publicKeyArgs(%o)', (key, args) => {
    expect(publicKeyArgs(key)).toEqual(args)
  })

  test('publicKeyArgs refuses keyless', () => {
    expect(() => publicKeyArgs(KEYLESS)).toThrow(SigningError)
  })

  test('cosignEnv always sets COSIGN_PASSWORD, puts the PEM in COSIGN_PRIVATE_KEY, and points at the docker config', () => {
    expect(cosignEnv({ key: PEM, password: '', dockerConfigDir: '/tmp/d' })).toEqual({
      COSIGN_PASSWORD: '',
      COSIGN_YES: 'true',
      COSIGN_PRIVATE_KEY: PEM.kind === 'pem' ? PEM.pem : '',
      DOCKER_CONFIG: '/tmp/d',
    })
    expect(cosignEnv({ key: KMS, password: 'pw' })).toEqual({ COSIGN_PASSWORD: 'pw', COSIGN_YES: 'true' })
  })

  test('cosignEnv hands keyless cosign the OIDC request variables, and a key signer never', () => {
    const oidcRequest = { url: 'https://token.example/req', token: 'tok' }
    expect(cosignEnv({ key: KEYLESS, password: '', oidcRequest })).toEqual({
      COSIGN_PASSWORD: '',
      COSIGN_YES: 'true',
      ACTIONS_ID_TOKEN_REQUEST_URL: oidcRequest.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequest.token,
    })
    expect(cosignEnv({ key: KMS, password: '', oidcRequest })).not.toHaveProperty('ACTIONS_ID_TOKEN_REQUEST_TOKEN')
  })

  test('legacySignatureTag is the .sig tag beside the image', () => {
    expect(legacySignatureTag(LOCAL)).toBe(`localhost:5000/acme/app:sha256-${'ab'.repeat(32)}.sig`)
  })

  test('treeArgs', () => {
    expect(treeArgs(LOCAL, true)).toEqual(['tree', '--allow-http-registry', LOCAL])
  })

  test('no builder ever puts the PEM or the password in argv, in any combination', () => {
    for (const format of ['legacy', 'bundle'] as const)
      for (const cosignVersion of ['v3.0.6', 'v2.6.1'])
        for (const key of [PEM, KMS, KEYLESS])
          for (const tlogUpload of [true, false]) {
            if (format === 'bundle' && cosignVersion === 'v2.6.1') continue
            const common = { image: IMAGE, format, tlogUpload, cosignVersion, insecureRegistry: false }
            const all = [
              ...signArgs({ ...common, key, annotations: ANNOTATIONS, recursive: true }),
              ...attestArgs({ ...common, key, predicateFile: 'p.json' }),
              ...verifyArgs({ ...common, verifier: { kind: 'public-key' }, annotations: ANNOTATIONS }),
            ].join(' ')
            expect(all).not.toContain(PEM_MARKER)
            expect(all).not.toContain('BEGIN')
          }
  })
})
