// `npm run policies -- …`: each flag reaches the rendering, and each bad value is refused naming its flag.
import { describe, expect, test } from 'vitest'
import { renderPolicies } from '../../src/cluster/policies.js'
import { parsePolicyFlags, policyUsage, POLICY_FLAGS } from '../../src/cluster/policy-flags.js'
import { DEFAULT_POLICY_OPTIONS } from '../../src/cluster/policy-options.js'

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'
const readKey = (file: string): string => (file === 'cosign.pub' ? PEM : 'not a key')
const parse = (...argv: string[]) => parsePolicyFlags(argv, readKey).options
const text = (argv: string[], file: string): string =>
  renderPolicies(parse(...argv)).find((rendered) => rendered.path === file)?.text ?? ''

describe('flags', () => {
  test('none give the defaults that policies/ holds', () => {
    expect(parse()).toEqual(DEFAULT_POLICY_OPTIONS)
  })

  test('--public-key renders a key attestor with the key, --no-tlog skips Rekor and the SCT', () => {
    const signature = text(['--public-key', 'cosign.pub', '--no-tlog'], 'kyverno/verify-vouch-signature.yaml')
    expect(signature).toContain('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE')
    expect(signature).toContain('ignoreTlog: true')
    expect(signature).toContain('ignoreSCT: true')
    expect(signature).not.toContain('keyless')
    const bundle = text(['--public-key', 'cosign.pub', '--no-tlog'], 'kyverno/verify-vouch-bundle.yaml')
    expect(bundle).toContain('insecureIgnoreTlog: true')
  })

  test('--identity renders the workflow as the keyless subject', () => {
    const identity = 'acme/shop/.github/workflows/release.yml@refs/heads/main'
    expect(text(['--identity', identity], 'kyverno/verify-vouch-signature.yaml')).toContain(
      `subject: https://github.com/${identity}`,
    )
  })

  test('--registries, --namespaces and --max-* reach the policies', () => {
    const options = parse(
      '--registries',
      'ghcr.io/acme/*, registry.acme.dev/*',
      '--namespaces',
      'prod-*',
      '--max-critical',
      '2',
      '--max-high',
      'unlimited',
      '--max-medium',
      '10',
    )
    expect(options.registries).toEqual(['ghcr.io/acme/*', 'registry.acme.dev/*'])
    expect(options.enforceNamespaces).toEqual(['prod-*'])
    expect(options.budgets).toEqual({ CRITICAL: 2, MEDIUM: 10 })
    const signature = text(
      ['--registries', 'ghcr.io/acme/*', '--namespaces', 'prod-*', '--max-critical', '2', '--max-high', 'unlimited'],
      'kyverno/verify-vouch-signature.yaml',
    )
    expect(signature).toContain('prod-*')
    expect(signature).toContain("security.example.com/max-critical: '2'")
    expect(signature).not.toContain('security.example.com/max-high')
  })

  test("--audit-namespaces '' renders no audit rule, policy or constraint for staging (policies/README.md)", () => {
    // The advisory pod-annotation policies stay Audit/warn everywhere: they never block, by design.
    const staging = /-audit\b|staging-\*/
    const named = (argv: string[]) =>
      renderPolicies(parse(...argv))
        .filter((file) => !file.path.includes('/tests/') && staging.test(file.text))
        .map((file) => file.path)
    // Guard: the default rendering has them, so the pattern can see them.
    expect(named([])).toContain('kyverno/verify-vouch-signature.yaml')
    expect(named(['--audit-namespaces', ''])).toEqual([])
  })

  test.each([
    [['--registries', 'ghcr.io/acme'], '`--registries`', 'ghcr.io/acme'],
    [['--registries', ''], '`--registries`', ''],
    [['--namespaces', 'Prod'], '`--namespaces`', 'Prod'],
    [['--exclude-namespaces', 'kube_system'], '`--exclude-namespaces`', 'kube_system'],
    [['--max-critical=-1'], '`--max-critical`', '-1'],
    [['--max-low', 'lots'], '`--max-low`', 'lots'],
    [['--identity', 'acme/shop'], '`--identity`', 'acme/shop'],
    [['--public-key', 'other.pub'], '`--public-key`', 'not a key'],
    [
      ['--public-key', 'cosign.pub', '--identity', 'a/b/.github/workflows/r.yml@refs/heads/main'],
      '`--identity`',
      'a/b',
    ],
    [['--max-severe', '1'], '`flags`', '--max-severe'],
  ])('%j is refused naming %s and quoting the value', (argv, flag, value) => {
    expect(() => parse(...argv)).toThrow(flag)
    expect(() => parse(...argv)).toThrow(JSON.stringify(value).slice(0, -1))
  })
})

describe('npm run policies -- --help', () => {
  test('names every flag the renderer reads, with the defaults it renders', () => {
    const usage = policyUsage()
    for (const flag of Object.keys(POLICY_FLAGS)) expect(usage).toContain(`--${flag} `)
    expect(usage).toContain(`default ${DEFAULT_POLICY_OPTIONS.annotationKey}`)
    expect(usage).toMatch(/--max-medium N\|unlimited\s+default unlimited/)
  })
})
