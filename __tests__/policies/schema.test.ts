// Every shipped policy is a valid Kyverno object: it parses, names a kind its CRD serves, and its spec passes
// the CRD's openAPIV3Schema with unknown fields rejected, as `kubectl apply --validate=strict` would.

import { describe, expect, test } from 'vitest'
import { wildcardMatch } from '../../src/image/allowed.js'
import { describeErrors, specValidator } from './support/crd.js'
import { at, commentedAlternative, loadPolicy, policyText, POLICY_FILES, type KubeObject } from './support/files.js'

const KINDS: Record<string, string> = {
  'restrict-image-registries.yaml': 'kyverno.io/v1 ClusterPolicy',
  'disallow-latest-tag.yaml': 'kyverno.io/v1 ClusterPolicy',
  'verify-vouch-signature.yaml': 'kyverno.io/v1 ClusterPolicy',
  'verify-vouch-signature-bundle.yaml': 'policies.kyverno.io/v1 ImageValidatingPolicy',
  'check-vuln-attestation.yaml': 'kyverno.io/v1 ClusterPolicy',
  'require-scan-annotation.yaml': 'kyverno.io/v1 ClusterPolicy',
}

function specErrors(policy: KubeObject): string[] {
  return describeErrors(specValidator(String(policy.apiVersion), String(policy.kind))(policy.spec))
}

describe('each policy', () => {
  test.each(POLICY_FILES)('%s has the kind and name the README lists', (file) => {
    const policy = loadPolicy(file)
    expect(`${String(policy.apiVersion)} ${String(policy.kind)}`).toBe(KINDS[file])
    expect(at(policy, 'metadata', 'name')).toBe(file.replace(/\.yaml$/, ''))
  })

  test.each(POLICY_FILES)('%s validates against its CRD', (file) => {
    expect(specErrors(loadPolicy(file))).toEqual([])
  })

  test.each(POLICY_FILES)('%s carries the policies.kyverno.io annotations kyverno/policies samples carry', (file) => {
    const annotations = at(loadPolicy(file), 'metadata', 'annotations') as Record<string, string>
    for (const key of ['title', 'category', 'severity', 'subject', 'minversion', 'description']) {
      expect(annotations[`policies.kyverno.io/${key}`], key).toBeTruthy()
    }
  })
})

// Switching to the documented keyless alternative must still give a valid policy.
describe('the commented keyless alternative', () => {
  const splices: [string, (policy: KubeObject, alternative: unknown[]) => void][] = [
    [
      'verify-vouch-signature.yaml',
      (policy, alternative) => {
        ;(at(policy, 'spec', 'rules', 0, 'verifyImages', 0, 'attestors', 0) as KubeObject).entries = alternative
      },
    ],
    [
      'check-vuln-attestation.yaml',
      (policy, alternative) => {
        const path = ['spec', 'rules', 0, 'verifyImages', 0, 'attestations', 0, 'attestors', 0]
        ;(at(policy, ...path) as KubeObject).entries = alternative
      },
    ],
    [
      'verify-vouch-signature-bundle.yaml',
      (policy, alternative) => {
        ;(policy.spec as KubeObject).attestors = alternative
      },
    ],
  ]

  test.each(splices)('%s validates once the alternative replaces the key-based attestors', (file, splice) => {
    const policy = loadPolicy(file as (typeof POLICY_FILES)[number])
    const alternative = commentedAlternative(policyText(file as (typeof POLICY_FILES)[number]))
    expect(alternative).toHaveLength(file === 'verify-vouch-signature-bundle.yaml' ? 2 : 1)
    splice(policy, alternative)
    expect(specErrors(policy)).toEqual([])
  })

  // Kyverno's keyless `subject` is a wildcard pattern; the ImageValidatingPolicy's `subjectRegExp` a regexp.
  test.each(splices)("%s accepts the named repository's workflows and nothing else", (file) => {
    const alternatives = commentedAlternative(policyText(file as (typeof POLICY_FILES)[number]))
    expect(alternatives.length).toBeGreaterThan(0)
    for (const attestor of alternatives) {
      const keyless = (at(attestor, 'keyless') ?? at(attestor, 'cosign', 'keyless')) as KubeObject
      const identity = (at(keyless, 'identities', 0) ?? keyless) as KubeObject
      expect(identity.issuer).toBe('https://token.actions.githubusercontent.com')
      const accepts = (subject: string): boolean =>
        typeof identity.subjectRegExp === 'string'
          ? new RegExp(identity.subjectRegExp).test(subject)
          : wildcardMatch(String(identity.subject), subject)
      expect(accepts('https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main')).toBe(true)
      expect(accepts('https://github.com/OTHER/REPO/.github/workflows/release.yml@refs/heads/main')).toBe(false)
      expect(accepts('https://github.com/OWNER/REPO-fork/.github/workflows/release.yml@refs/heads/main')).toBe(false)
    }
  })
})

// The validator must be able to say no, or the tests above prove nothing.
describe('the CRD validator', () => {
  test.each([
    ['a misspelt field', (spec: KubeObject) => ({ ...spec, validationFailureActoin: 'Enforce' })],
    ['an unknown action', (spec: KubeObject) => ({ ...spec, validationFailureAction: 'Block' })],
    ['a rule without a name type', (spec: KubeObject) => ({ ...spec, rules: [{ name: 7 }] })],
  ])('rejects %s in a ClusterPolicy', (_case, mutate) => {
    const policy = loadPolicy('verify-vouch-signature.yaml')
    expect(specErrors({ ...policy, spec: mutate(policy.spec as KubeObject) })).not.toEqual([])
  })

  test('rejects an ImageValidatingPolicy without validations', () => {
    const policy = loadPolicy('verify-vouch-signature-bundle.yaml')
    const spec = structuredClone(policy.spec) as KubeObject
    delete spec.validations
    expect(specErrors({ ...policy, spec })).not.toEqual([])
  })

  test('rejects an attestor that is both cosign and notary', () => {
    const policy = loadPolicy('verify-vouch-signature-bundle.yaml')
    const spec = structuredClone(policy.spec) as KubeObject
    ;(at(spec, 'attestors', 0) as KubeObject).notary = { certs: { value: 'x' } }
    expect(specErrors({ ...policy, spec })).not.toEqual([])
  })
})
