// What the rendered policies demand of a signature and of its attestation, derived from the same constants vouch
// signs with. The real Kyverno CLI runs these demands in the e2e tier; this pins their shape.
import { describe, expect, test } from 'vitest'
import { budgetAnnotationKey, scannerAnnotationKey } from '../../src/cluster/annotations.js'
import { attestationConditions, gateFactsExpression, requiredAnnotations } from '../../src/cluster/gate-facts.js'
import { DEFAULT_POLICY_OPTIONS } from '../../src/cluster/policy-options.js'

const key = DEFAULT_POLICY_OPTIONS.annotationKey

describe('signed annotations the signature policy requires', () => {
  test('the gate and each demanded budget, as vouch signs them', () => {
    expect(requiredAnnotations(DEFAULT_POLICY_OPTIONS)).toEqual({
      [key]: 'passed',
      [budgetAnnotationKey(key, 'CRITICAL')]: '0',
      [budgetAnnotationKey(key, 'HIGH')]: '0',
    })
  })

  test('never the scanner: on Kyverno ≤ 1.17 a pin would refuse an image re-signed after a Trivy bump', () => {
    const options = { ...DEFAULT_POLICY_OPTIONS, budgets: { CRITICAL: 0, HIGH: 0, MEDIUM: 3, LOW: 9, UNKNOWN: 1 } }
    expect(Object.keys(requiredAnnotations(options))).not.toContain(scannerAnnotationKey(key))
    expect(Object.keys(requiredAnnotations(options))).toHaveLength(6)
  })
})

describe('gate facts the attestation must record', () => {
  test('JMESPath: scanStatus passed, and each demanded budget a number no laxer than the demand', () => {
    expect(attestationConditions(DEFAULT_POLICY_OPTIONS).map((condition) => condition.key)).toEqual([
      "{{ invocation.parameters.vouch.scanStatus || 'missing' }}",
      "{{ type(invocation.parameters.vouch.budgets.critical) == 'number' && invocation.parameters.vouch.budgets.critical <= `0` }}",
      "{{ type(invocation.parameters.vouch.budgets.high) == 'number' && invocation.parameters.vouch.budgets.high <= `0` }}",
    ])
  })

  test('CEL: the same demands, a null budget failing the type test', () => {
    expect(gateFactsExpression({ ...DEFAULT_POLICY_OPTIONS, budgets: { CRITICAL: 2 } })).toBe(
      "facts.scanStatus == 'passed' && (has(facts.budgets.critical) && type(facts.budgets.critical) == double && facts.budgets.critical <= 2.0)",
    )
  })
})
