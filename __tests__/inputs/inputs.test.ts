import { describe, expect, test } from 'vitest'
import { readInputs } from '../../src/inputs.js'
import { InputError } from '../../src/errors.js'
import { inputReader } from './reader.js'
import { badInputs } from './bad-inputs.js'

describe('readInputs with the defaults of action.yml', () => {
  test('gives the contract defaults', async () => {
    const inputs = readInputs(await inputReader({}))
    expect(inputs.budgets).toEqual({ CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null })
    expect(inputs).toMatchObject({
      image: { registry: 'registry.example.com', repository: 'team/app', tag: '1.0' },
      ignoreUnfixed: false,
      platforms: 'all',
      enforce: true,
      sign: true,
      attest: true,
      cosignKey: { kind: 'keyless' },
      signatureFormat: 'legacy',
      tlogUpload: true,
      annotationKey: 'security.example.com/scan-status',
      annotations: [],
      trivy: { version: 'v0.74.0' },
      cosign: { version: 'v3.0.6' },
      dbRepositories: [
        'mirror.gcr.io/aquasec/trivy-db:2',
        'public.ecr.aws/aquasecurity/trivy-db:2',
        'ghcr.io/aquasecurity/trivy-db:2',
      ],
      cache: true,
      outputDir: '/tmp/runner/vouch',
      summary: true,
      timeoutSeconds: 600,
    })
    expect(inputs.toolsMirror).toBeUndefined()
    expect(inputs.registryCredentials).toBeUndefined()
  })
})

describe('good values', () => {
  test.each([
    [
      { 'max-high': '5', 'max-low': '' },
      (i: ReturnType<typeof readInputs>) => [i.budgets.HIGH, i.budgets.LOW],
      [5, null],
    ],
    [{ enforce: 'False', sign: 'TRUE' }, (i: ReturnType<typeof readInputs>) => [i.enforce, i.sign], [false, true]],
    [
      { platforms: 'linux/amd64, linux/arm/v7' },
      (i: ReturnType<typeof readInputs>) => i.platforms,
      ['linux/amd64', 'linux/arm/v7'],
    ],
    [{ timeout: '1h30m' }, (i: ReturnType<typeof readInputs>) => i.timeoutSeconds, 5400],
    [{ timeout: '90s' }, (i: ReturnType<typeof readInputs>) => i.timeoutSeconds, 90],
    [
      { annotations: 'team=payments\n\nexample.com/owner = sre ' },
      (i: ReturnType<typeof readInputs>) => i.annotations,
      [
        ['team', 'payments'],
        ['example.com/owner', 'sre'],
      ],
    ],
    [{ 'trivy-sha256': 'A'.repeat(64) }, (i: ReturnType<typeof readInputs>) => i.trivy.sha256, 'a'.repeat(64)],
    [
      { 'tools-mirror': 'https://mirror.example.com/github/' },
      (i: ReturnType<typeof readInputs>) => i.toolsMirror,
      'https://mirror.example.com/github',
    ],
    [
      { 'cosign-key': 'awskms:///alias/release' },
      (i: ReturnType<typeof readInputs>) => i.cosignKey,
      { kind: 'uri', uri: 'awskms:///alias/release' },
    ],
    [
      { 'cosign-key': 'env://COSIGN_KEY' },
      (i: ReturnType<typeof readInputs>) => i.cosignKey,
      { kind: 'uri', uri: 'env://COSIGN_KEY' },
    ],
    [
      {
        'cosign-key':
          '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
      },
      (i: ReturnType<typeof readInputs>) => i.cosignKey.kind,
      'pem',
    ],
    [
      { 'registry-username': 'robot', 'registry-password': 's3cret' },
      (i: ReturnType<typeof readInputs>) => i.registryCredentials,
      { username: 'robot', password: 's3cret' },
    ],
    [
      { digest: 'sha256:' + 'b'.repeat(64) },
      (i: ReturnType<typeof readInputs>) => i.image.digest,
      'sha256:' + 'b'.repeat(64),
    ],
    [
      { vex: 'a.vex.json\n\nhttps://example.com/b.json' },
      (i: ReturnType<typeof readInputs>) => i.vex,
      ['a.vex.json', 'https://example.com/b.json'],
    ],
  ])('%j', async (overrides, pick, expected) => {
    expect(pick(readInputs(await inputReader(overrides)))).toEqual(expected)
  })
})

describe('bad values are input errors that name the input and quote the value', () => {
  test(`at least 40 cases (${badInputs.length})`, () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(40)
  })

  test.each(badInputs)('$input = $value', async ({ input, value, mentions }) => {
    const read = await inputReader({ [input]: value })
    let thrown: unknown
    try {
      readInputs(read)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    const message = (thrown as InputError).message
    expect(message).toContain(`\`${(thrown as InputError).input}\``)
    if (input !== 'registry-username') expect((thrown as InputError).input).toBe(input)
    expect(message).toContain(mentions ?? JSON.stringify(value.trim()))
  })

  test('a digest that disagrees with the digest in image is refused', async () => {
    const read = await inputReader({ image: `nginx@sha256:${'a'.repeat(64)}`, digest: `sha256:${'b'.repeat(64)}` })
    expect(() => readInputs(read)).toThrow(/`digest`/)
  })

  test('a PEM-looking key is never quoted in the error', async () => {
    const read = await inputReader({ 'cosign-key': 'SECRET-KEY-MATERIAL' })
    expect(() => readInputs(read)).toThrow(InputError)
    try {
      readInputs(read)
    } catch (error) {
      expect(String(error)).not.toContain('SECRET-KEY-MATERIAL')
    }
  })
})
