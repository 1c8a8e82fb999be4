// policies/ is the rendering of the defaults: a change to the renderer or to a constant vouch signs with (the
// annotation key, the budget keys and values, the predicate type) fails here until `npm run policies` is run.
import { describe, expect, test } from 'vitest'
import { budgetAnnotationKey, DEFAULT_ANNOTATION_KEY } from '../../src/cluster/annotations.js'
import { renderPolicies } from '../../src/cluster/policies.js'
import { DEFAULT_POLICY_OPTIONS } from '../../src/cluster/policy-options.js'
import { VULN_PREDICATE_TYPE } from '../../src/render/predicate.js'
import { committedFiles, committedText } from './support/files.js'

const rendered = renderPolicies(DEFAULT_POLICY_OPTIONS)

describe('policies/', () => {
  test('holds exactly the rendered files and the README', () => {
    expect(committedFiles()).toEqual([...rendered.map((file) => file.path), 'README.md'].sort())
  })

  test.each(rendered.map((file) => [file.path, file.text]))('%s is what `npm run policies` renders', (file, text) => {
    expect(committedText(file), 'run `npm run policies` and commit policies/').toBe(text)
  })
})

describe('the rendering follows the constants', () => {
  const signature = (options = DEFAULT_POLICY_OPTIONS): string =>
    renderPolicies(options).find((file) => file.path === 'kyverno/verify-vouch-signature.yaml')?.text ?? ''

  test('the signature policy requires the signed gate and budget keys and reads the vuln predicate type', () => {
    const text = signature()
    expect(text).toContain(`${DEFAULT_ANNOTATION_KEY}: passed`)
    expect(text).toContain(`${budgetAnnotationKey(DEFAULT_ANNOTATION_KEY, 'CRITICAL')}: '0'`)
    expect(text).toContain(`type: ${VULN_PREDICATE_TYPE}`)
  })

  test('another annotation key gives other files, so the committed ones would no longer match', () => {
    const other = signature({ ...DEFAULT_POLICY_OPTIONS, annotationKey: 'scans.example.org/scan-status' })
    expect(other).toContain("scans.example.org/max-critical: '0'")
    expect(other).not.toContain(DEFAULT_ANNOTATION_KEY)
    expect(other).not.toBe(committedText('kyverno/verify-vouch-signature.yaml'))
  })
})
