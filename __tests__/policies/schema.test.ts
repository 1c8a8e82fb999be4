// Every rendered Kyverno policy is an object the API server accepts (its CRD's openAPIV3Schema, unknown fields
// refused), and, once the CRD's defaults are applied as the API server applies them, one Kyverno's own validation
// accepts: `mutateDigest` defaults to true and is refused under Audit (api/kyverno/v1/image_verification_types.go
// `Validate`, v1.19.0). The real CLI loads them all in the e2e tier; this is the fast check.
import { describe, expect, test } from 'vitest'
import { renderPolicies } from '../../src/cluster/policies.js'
import { DEFAULT_POLICY_OPTIONS, type PolicyOptions } from '../../src/cluster/policy-options.js'
import { describeErrors, specValidator } from './support/crd.js'
import { at, type KubeObject } from './support/files.js'
import { parseAllDocuments } from 'yaml'

const KEY = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'
const VARIANTS: [string, PolicyOptions][] = [
  ['keyless (the default)', DEFAULT_POLICY_OPTIONS],
  ['key-based', { ...DEFAULT_POLICY_OPTIONS, signer: { kind: 'key', publicKey: KEY } }],
  [
    'key-based without a transparency log',
    { ...DEFAULT_POLICY_OPTIONS, signer: { kind: 'key', publicKey: KEY }, ignoreTlog: true },
  ],
  ['keyless without a transparency log', { ...DEFAULT_POLICY_OPTIONS, ignoreTlog: true }],
]

function kyvernoPolicies(options: PolicyOptions): [string, KubeObject][] {
  return renderPolicies(options)
    .filter((file) => /^kyverno\/[^/]+\.yaml$/.test(file.path))
    .flatMap((file) =>
      parseAllDocuments(file.text).map((document): [string, KubeObject] => [file.path, document.toJS() as KubeObject]),
    )
}

/** The spec with the CRD's defaults written in, or the schema errors. */
function defaulted(policy: KubeObject): { spec: KubeObject; errors: string[] } {
  const spec = structuredClone(policy.spec) as KubeObject
  const errors = describeErrors(specValidator(String(policy.apiVersion), String(policy.kind))(spec))
  return { spec, errors }
}

describe.each(VARIANTS)('rendered %s', (_variant, options) => {
  const policies = kyvernoPolicies(options)

  test('renders the ClusterPolicies and both ImageValidatingPolicies', () => {
    expect(policies.map(([, policy]) => `${String(policy.kind)}/${String(at(policy, 'metadata', 'name'))}`)).toEqual([
      'ClusterPolicy/vouch-restrict-image-registries',
      'ClusterPolicy/vouch-disallow-latest-tag',
      'ClusterPolicy/vouch-scan-annotation-advisory',
      'ClusterPolicy/vouch-verify-signature',
      'ImageValidatingPolicy/vouch-verify-bundle-enforce',
      'ImageValidatingPolicy/vouch-verify-bundle-audit',
    ])
  })

  test.each(policies)('%s validates against its CRD', (_file, policy) => {
    expect(defaulted(policy).errors).toEqual([])
  })

  test('no verifyImages rule under Audit mutates digests once the CRD defaults apply', () => {
    const [, signature] = policies.find(([file]) => file.endsWith('verify-vouch-signature.yaml'))!
    const rules = defaulted(signature).spec.rules as KubeObject[]
    const entries = rules.flatMap((rule) => rule.verifyImages as KubeObject[])
    expect(entries.map((entry) => [entry.failureAction, entry.mutateDigest])).toEqual([
      ['Enforce', true],
      ['Audit', false],
    ])
  })

  test('every rule excludes the system namespaces', () => {
    const clusterPolicies = policies.filter(([, policy]) => policy.kind === 'ClusterPolicy')
    for (const [, policy] of clusterPolicies) {
      for (const rule of (policy.spec as KubeObject).rules as KubeObject[]) {
        expect(at(rule, 'exclude', 'any', 0, 'resources', 'namespaces')).toEqual(options.excludedNamespaces)
      }
    }
  })
})

// The validator must be able to say no, or the tests above prove nothing.
describe('the CRD validator', () => {
  const [, signature] = kyvernoPolicies(DEFAULT_POLICY_OPTIONS).find(([file]) => file.endsWith('signature.yaml'))!
  const [, bundle] = kyvernoPolicies(DEFAULT_POLICY_OPTIONS).find(([file]) => file.endsWith('bundle.yaml'))!

  test.each([
    ['a misspelt field', (spec: KubeObject) => ({ ...spec, validationFailureActoin: 'Enforce' })],
    ['an unknown action', (spec: KubeObject) => ({ ...spec, validationFailureAction: 'Block' })],
    ['a rule name of the wrong type', (spec: KubeObject) => ({ ...spec, rules: [{ name: 7 }] })],
  ])('rejects %s in a ClusterPolicy', (_case, mutate) => {
    expect(defaulted({ ...signature, spec: mutate(signature.spec as KubeObject) }).errors).not.toEqual([])
  })

  test('rejects an ImageValidatingPolicy without validations', () => {
    const spec = structuredClone(bundle.spec) as KubeObject
    delete spec.validations
    expect(defaulted({ ...bundle, spec }).errors).not.toEqual([])
  })

  test('writes the CRD default mutateDigest: true where a rule leaves it out', () => {
    const spec = structuredClone(signature.spec) as KubeObject
    const entry = at(spec, 'rules', 1, 'verifyImages', 0) as KubeObject
    delete entry.mutateDigest
    expect(at(defaulted({ ...signature, spec }).spec, 'rules', 1, 'verifyImages', 0, 'mutateDigest')).toBe(true)
  })
})
