// The signature policies admit exactly what vouch signs by default: the three signed annotations of
// CONTRACT.md, built here from the default `annotation-key`, budgets and `trivy-version`, not copied.

import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { SEVERITIES, type Budgets } from '../../src/report/model.js'
import { at, commentedAlternative, loadPolicy, policyText, type KubeObject, type PolicyFile } from './support/files.js'

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}
const ANNOTATION_KEY = 'security.example.com/scan-status'
const DEFAULT_BUDGETS: Budgets = { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null }

/** CONTRACT.md "Signed annotations", for an annotation key, budgets and Trivy version. */
function signedAnnotations(annotationKey: string, budgets: Budgets, trivyVersion: string): Record<string, string> {
  const prefix = annotationKey.slice(0, annotationKey.indexOf('/'))
  const thresholds = SEVERITIES.map((severity) => `${severity.toLowerCase()}=${budgets[severity] ?? '-'}`).join(',')
  return {
    [annotationKey]: 'passed',
    [`${prefix}/scan-thresholds`]: thresholds,
    [`${prefix}/scanner`]: `trivy@${trivyVersion}`,
  }
}

const EXPECTED = signedAnnotations(ANNOTATION_KEY, DEFAULT_BUDGETS, action.inputs['trivy-version']?.default ?? '')

const LEGACY_ENTRY = ['spec', 'rules', 0, 'verifyImages', 0, 'attestors', 0, 'entries', 0]

describe("the signed annotations vouch's defaults produce", () => {
  test('are the gate annotation, the budgets and the scanner', () => {
    expect(EXPECTED).toEqual({
      'security.example.com/scan-status': 'passed',
      'security.example.com/scan-thresholds': 'critical=0,high=0,medium=-,low=-,unknown=-',
      'security.example.com/scanner': 'trivy@v0.74.0',
    })
  })

  test('are also the key and value the advisory pod-annotation policy looks for', () => {
    const pattern = at(loadPolicy('require-scan-annotation.yaml'), 'spec', 'rules', 0, 'validate', 'pattern')
    expect(at(pattern, 'metadata', 'annotations')).toEqual({ [ANNOTATION_KEY]: EXPECTED[ANNOTATION_KEY] })
  })
})

describe('verify-vouch-signature (legacy .sig, ClusterPolicy)', () => {
  const policy = loadPolicy('verify-vouch-signature.yaml')

  test('requires exactly the signed annotations on the key-based attestor', () => {
    expect(at(policy, ...LEGACY_ENTRY, 'annotations')).toEqual(EXPECTED)
  })

  test('requires the same annotations in the keyless alternative', () => {
    expect(at(commentedAlternative(policyText('verify-vouch-signature.yaml')), 0, 'annotations')).toEqual(EXPECTED)
  })

  test('enforces, on old and new Kyverno alike, and fails closed when Kyverno cannot answer', () => {
    expect(at(policy, 'spec', 'validationFailureAction')).toBe('Enforce')
    expect(at(policy, 'spec', 'rules', 0, 'verifyImages', 0, 'failureAction')).toBe('Enforce')
    expect(at(policy, 'spec', 'webhookConfiguration', 'failurePolicy')).toBe('Fail')
  })

  test('requires a verified signature and pins the image to the digest it verified', () => {
    const verify = at(policy, 'spec', 'rules', 0, 'verifyImages', 0) as KubeObject
    expect({ required: verify.required, mutateDigest: verify.mutateDigest, verifyDigest: verify.verifyDigest }).toEqual(
      { required: true, mutateDigest: true, verifyDigest: true },
    )
    expect(at(verify, 'attestors', 0, 'count')).toBe(1)
  })
})

describe('verify-vouch-signature-bundle (Sigstore bundle, ImageValidatingPolicy)', () => {
  const policy = loadPolicy('verify-vouch-signature-bundle.yaml')

  test('requires exactly the signed annotations on the cosign attestor', () => {
    expect(at(policy, 'spec', 'attestors', 0, 'cosign', 'annotations')).toEqual(EXPECTED)
  })

  test('requires the same annotations in the keyless alternative, on its signature attestor only', () => {
    const alternative = commentedAlternative(policyText('verify-vouch-signature-bundle.yaml'))
    expect(at(alternative, 0, 'cosign', 'annotations')).toEqual(EXPECTED)
    expect(at(alternative, 1, 'cosign', 'annotations')).toBeUndefined()
  })

  test('denies, and fails closed when Kyverno cannot answer', () => {
    expect(at(policy, 'spec', 'validationActions')).toEqual(['Deny'])
    expect(at(policy, 'spec', 'failurePolicy')).toBe('Fail')
  })

  test('requires a verified image and pins it to the digest it verified', () => {
    expect(at(policy, 'spec', 'validationConfigurations')).toEqual({
      required: true,
      mutateDigest: true,
      verifyDigest: true,
    })
  })
})

// Each placeholder must stand out, and all must name the same registry, so one search-and-replace customises
// the set.
describe('the placeholders to replace', () => {
  const KEYED: [PolicyFile, (string | number)[]][] = [
    ['verify-vouch-signature.yaml', [...LEGACY_ENTRY, 'keys', 'publicKeys']],
    [
      'check-vuln-attestation.yaml',
      ['spec', 'rules', 0, 'verifyImages', 0, 'attestations', 0, 'attestors', 0, 'entries', 0, 'keys', 'publicKeys'],
    ],
    ['verify-vouch-signature-bundle.yaml', ['spec', 'attestors', 0, 'cosign', 'key', 'data']],
    ['verify-vouch-signature-bundle.yaml', ['spec', 'attestors', 1, 'cosign', 'key', 'data']],
  ]

  test.each(KEYED)('%s holds a public key placeholder marked REPLACE', (file, path) => {
    const key = String(at(loadPolicy(file), ...path))
    expect(key).toMatch(/^-----BEGIN PUBLIC KEY-----\nREPLACE-WITH-YOUR-COSIGN-PUBLIC-KEY\n-----END PUBLIC KEY-----$/)
    expect(policyText(file)).toMatch(/# REPLACE: the public half of vouch's `cosign-key`/)
  })

  test.each([
    ['verify-vouch-signature.yaml', ['spec', 'rules', 0, 'verifyImages', 0, 'imageReferences']],
    ['check-vuln-attestation.yaml', ['spec', 'rules', 0, 'verifyImages', 0, 'imageReferences']],
  ] as [PolicyFile, (string | number)[]][])('%s verifies the images the registry allowlist admits', (file, path) => {
    expect(at(loadPolicy(file), ...path)).toEqual(['registry.internal.example.com/*'])
  })

  test('the bundle policy matches the same images with a glob', () => {
    expect(at(loadPolicy('verify-vouch-signature-bundle.yaml'), 'spec', 'matchImageReferences')).toEqual([
      { glob: 'registry.internal.example.com/*' },
    ])
  })

  test('the registry allowlist allows the same registry for every kind of container', () => {
    const pattern = at(loadPolicy('restrict-image-registries.yaml'), 'spec', 'rules', 0, 'validate', 'pattern', 'spec')
    expect(pattern).toEqual({
      '=(ephemeralContainers)': [{ image: 'registry.internal.example.com/*' }],
      '=(initContainers)': [{ image: 'registry.internal.example.com/*' }],
      containers: [{ image: 'registry.internal.example.com/*' }],
    })
  })
})
