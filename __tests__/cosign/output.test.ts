import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { SigningError } from '../../src/errors.js'
import {
  checkVerifiedAttestation,
  checkVerifiedSignature,
  cosignFailure,
  isTransientFailure,
  parseAttestationStatements,
  parseTreeReferrers,
  parseVerifiedSignatures,
} from '../../src/cosign/output.js'

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/cosign', name), 'utf8')

describe('parseVerifiedSignatures on real cosign output', () => {
  test.each([
    [
      'README.verify-output-lowercase-keys.json',
      'sha256:7a91c50d922925f152fec96ed1d84b7bc6b2079c169d68826f6cf307f22d40e6',
      'localhost:5000/tcpconnect',
      {},
    ],
    [
      'README.verify-output-capitalized-keys.json',
      'sha256:87ef60f558bad79beea6425a3b28989f01dd417164150ab3baab98dcbf04def8',
      '',
      {},
    ],
    [
      'README.verify-output-with-annotation-tag.json',
      'sha256:97fc222cee7991b5b061d4d4afdb5f3428fcb0c9054e1690313786befa1e4e36',
      '',
      { tag: 'sign-me' },
    ],
    [
      'README.verify-output-with-annotation-sig-counter.json',
      'sha256:71f70e5d29bde87f988740665257c35b1c6f52dafa20fab4ba16b3b1f4c6ba0e',
      '',
      { sig: 'counter' },
    ],
  ])('%s', (name, digest, dockerReference, optional) => {
    expect(parseVerifiedSignatures(fixture(name))).toEqual([
      { digest, dockerReference, type: 'cosign container image signature', optional },
    ])
  })

  test('one object per line, with non-JSON chatter in between', () => {
    const text = `${fixture('README.verify-output-capitalized-keys.json').trim()}\nsome note\n${fixture('README.verify-output-with-annotation-sig-counter.json').trim()}\n`
    expect(parseVerifiedSignatures(text).map((s) => s.optional)).toEqual([{}, { sig: 'counter' }])
  })

  test('no output is no signature', () => {
    expect(parseVerifiedSignatures('\n')).toEqual([])
  })

  test('non-string annotation values are compared as their JSON text', () => {
    const text = JSON.stringify([
      { critical: { image: { 'docker-manifest-digest': 'sha256:aa' }, type: 't' }, optional: { n: 3 } },
    ])
    expect(parseVerifiedSignatures(text)[0]?.optional).toEqual({ n: '3' })
  })
})

describe('checkVerifiedSignature', () => {
  const digest = 'sha256:97fc222cee7991b5b061d4d4afdb5f3428fcb0c9054e1690313786befa1e4e36'
  const verified = parseVerifiedSignatures(fixture('README.verify-output-with-annotation-tag.json'))

  test('accepts the digest, type and every annotation', () => {
    expect(
      checkVerifiedSignature(verified, { digest, annotations: [['tag', 'sign-me']], format: 'legacy' }).digest,
    ).toBe(digest)
  })

  test.each([
    ['another digest', { digest: `sha256:${'0'.repeat(64)}`, annotations: [], format: 'legacy' }],
    ['a different annotation value', { digest, annotations: [['tag', 'other']], format: 'legacy' }],
    [
      'a missing annotation',
      { digest, annotations: [['security.example.com/scan-status', 'passed']], format: 'legacy' },
    ],
    ['a bundle where a legacy signature was made', { digest, annotations: [], format: 'bundle' }],
  ] as const)('refuses %s', (_name, expected) => {
    expect(() =>
      checkVerifiedSignature(verified, {
        ...expected,
        annotations: expected.annotations.map(([k, v]) => [k, v] as [string, string]),
      }),
    ).toThrow(SigningError)
  })

  test('accepts a cosign 3 bundle signature by its predicate type', () => {
    const bundle = [{ digest, dockerReference: 'r', type: 'https://sigstore.dev/cosign/sign/v1', optional: { a: 'b' } }]
    expect(() => checkVerifiedSignature(bundle, { digest, annotations: [['a', 'b']], format: 'bundle' })).not.toThrow()
  })
})

describe('attestations', () => {
  const subject = 'sha256:3c19aa980a9c5709a2c96c2d0779febf6e5e453b92b172ce84cb85fdaf695373'

  test('reads the statement inside a real DSSE envelope', () => {
    expect(parseAttestationStatements(fixture('dsse-valid-vuln.json'))).toEqual([
      {
        predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
        subjects: [{ name: 'registry.local:5000/knative/demo', sha256: subject.slice('sha256:'.length) }],
      },
    ])
  })

  test('accepts the vuln statement for the scanned digest', () => {
    expect(() =>
      checkVerifiedAttestation(parseAttestationStatements(fixture('dsse-valid-vuln.json')), subject),
    ).not.toThrow()
  })

  test("refuses a predicate type without https:// (cosign's malformed test envelope)", () => {
    expect(() =>
      checkVerifiedAttestation(parseAttestationStatements(fixture('dsse-malformed-vuln.json')), subject),
    ).toThrow(SigningError)
  })

  test('refuses a statement about another digest', () => {
    const statements = parseAttestationStatements(fixture('dsse-valid-vuln.json'))
    expect(() => checkVerifiedAttestation(statements, `sha256:${'1'.repeat(64)}`)).toThrow('none is a')
  })

  test('several envelopes, one per line, any of which may match', () => {
    const text = `${fixture('dsse-malformed-vuln.json').trim()}\n${fixture('dsse-valid-vuln.json').trim()}\n`
    expect(checkVerifiedAttestation(parseAttestationStatements(text), subject).predicateType).toContain('https://')
  })

  test('an envelope without a payload is an error, not an empty result', () => {
    expect(() => parseAttestationStatements('{"payloadType":"x"}')).toThrow(SigningError)
  })
})

describe('cosign tree, failures', () => {
  test('lists the OCI referrers with their type', () => {
    const hex = 'b6ba83202c1383843801de27da3255aef64a2a8f824fbe4e4c0c070b3f30f049'
    const text = [
      '📦 Supply Chain Security Related artifacts for an image: ghcr.io/acme/app@sha256:aa',
      `└── 🔐 Signatures for an image tag: ghcr.io/acme/app:sha256-${hex}.sig`,
      `   └── 🍒 sha256:${hex}`,
      `└── 🔗 https://sigstore.dev/cosign/sign/v1 artifacts via OCI referrer: ghcr.io/acme/app@sha256:${hex}`,
      `   └── 🍒 sha256:${hex}`,
    ].join('\n')
    expect(parseTreeReferrers(text)).toEqual([
      { type: 'https://sigstore.dev/cosign/sign/v1', reference: `ghcr.io/acme/app@sha256:${hex}` },
    ])
  })

  test.each([
    ['Error: signing [x]: uploading to tlog: [POST /api/v1/log/entries][429] createLogEntryDefault', true],
    ['Error: PUT https://ghcr.io/v2/x/manifests/y: unexpected status code 503 Service Unavailable', true],
    ['Error: GET https://index.docker.io/v2/: TOOMANYREQUESTS: You have reached your pull rate limit.', true],
    ['Error: Post "https://fulcio.sigstore.dev/api/v2/signingCert": giving up after 4 attempt(s)', true],
    ['Error: no matching signatures: missing or incorrect annotation', false],
    ['Error: signing x: PUT https://ghcr.io/v2/x: DENIED: requested access to the resource is denied', false],
    ['Error: reading key: loading URL: env var $COSIGN_PRIVATE_KEY not found', false],
  ])('isTransientFailure(%s) is %s', (stderr, transient) => {
    expect(isTransientFailure(stderr)).toBe(transient)
  })

  test("cosignFailure keeps cosign's Error lines", () => {
    expect(
      cosignFailure(
        'Flag --x has been deprecated\nError: no signatures found\nerror during command execution: no signatures found\n',
      ),
    ).toBe('Error: no signatures found error during command execution: no signatures found')
  })
})
