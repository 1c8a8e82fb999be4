import { describe, expect, test } from 'vitest'
import {
  annotationPrefix,
  checkExtraAnnotations,
  gateAnnotation,
  podAnnotations,
  reservedAnnotationKeys,
  budgetAnnotationKey,
  budgetAnnotationValue,
  scannerValue,
  signedAnnotations,
} from '../../src/cluster/annotations.js'
import { InputError } from '../../src/errors.js'
import { ANNOTATIONS } from '../cosign/default-annotations.js'
import type { Budgets } from '../../src/report/model.js'

const KEY = 'security.example.com/scan-status'
const DEFAULT_BUDGETS: Budgets = { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null }

describe('gate annotation', () => {
  test.each(['passed', 'failed', 'error'] as const)('%s', (status) => {
    expect(gateAnnotation(KEY, status)).toBe(`${KEY}=${status}`)
  })
})

describe('pod annotations', () => {
  test('is a JSON object with the one key', () => {
    expect(podAnnotations(KEY, 'passed')).toBe('{"security.example.com/scan-status":"passed"}')
    expect(JSON.parse(podAnnotations(KEY, 'failed'))).toEqual({ [KEY]: 'failed' })
  })
})

describe('annotation prefix', () => {
  test.each([
    [KEY, 'security.example.com'],
    ['example.com/gate', 'example.com'],
    ['scan-status', ''],
  ])('%s -> %j', (key, prefix) => {
    expect(annotationPrefix(key)).toBe(prefix)
  })

  test.each([
    [
      KEY,
      [
        KEY,
        'security.example.com/max-critical',
        'security.example.com/max-high',
        'security.example.com/max-medium',
        'security.example.com/max-low',
        'security.example.com/max-unknown',
        'security.example.com/scanner',
      ],
    ],
    ['scan-status', ['scan-status', 'max-critical', 'max-high', 'max-medium', 'max-low', 'max-unknown', 'scanner']],
  ])('reserved keys for %s', (key, reserved) => {
    expect(reservedAnnotationKeys(key)).toEqual(reserved)
  })
})

describe('budget annotations', () => {
  test.each([
    ['CRITICAL', 'security.example.com/max-critical'],
    ['UNKNOWN', 'security.example.com/max-unknown'],
  ] as const)('%s is signed as %s', (severity, key) => {
    expect(budgetAnnotationKey(KEY, severity)).toBe(key)
  })

  test.each([
    [0, '0'],
    [5, '5'],
    [null, 'unlimited'],
  ])('budget %j is signed as %s', (budget, value) => {
    expect(budgetAnnotationValue(budget)).toBe(value)
  })
})

describe('scanner value', () => {
  test.each(['v0.74.0', '0.74.0'])('%s is written as the release tag', (version) => {
    expect(scannerValue(version)).toBe('trivy@v0.74.0')
  })
})

describe('signed annotations', () => {
  test('the gate, the thresholds and the scanner come first, then the extras in order', () => {
    const signed = signedAnnotations({
      annotationKey: KEY,
      budgets: DEFAULT_BUDGETS,
      trivyVersion: 'v0.74.0',
      extra: [
        ['team.example.com/owner', 'payments'],
        ['build', '1234'],
      ],
    })
    // ANNOTATIONS, what the cosign tests sign with: the gate, the thresholds and the scanner for these budgets.
    expect(signed).toEqual([...ANNOTATIONS, ['team.example.com/owner', 'payments'], ['build', '1234']])
  })

  test('a key without a prefix signs bare keys', () => {
    const signed = signedAnnotations({
      annotationKey: 'gate',
      budgets: DEFAULT_BUDGETS,
      trivyVersion: '0.74.0',
      extra: [],
    })
    expect(signed.map(([key]) => key)).toEqual([
      'gate',
      'max-critical',
      'max-high',
      'max-medium',
      'max-low',
      'max-unknown',
      'scanner',
    ])
  })

  test.each([
    [KEY, 'failed'],
    ['security.example.com/max-high', 'unlimited'],
    ['security.example.com/scanner', 'trivy@v0.1.0'],
  ])('an extra that would override %s is an input error naming it', (key, value) => {
    const sign = (): unknown =>
      signedAnnotations({
        annotationKey: KEY,
        budgets: DEFAULT_BUDGETS,
        trivyVersion: 'v0.74.0',
        extra: [[key, value]],
      })
    expect(sign).toThrow(InputError)
    expect(sign).toThrow(`\`annotations\` must not set \`${key}\``)
  })

  test('an extra named twice is an input error', () => {
    expect(() =>
      checkExtraAnnotations(KEY, [
        ['build', '1'],
        ['build', '2'],
      ]),
    ).toThrow('must name `build` only once')
  })

  test.each(['scanner', 'max-critical'])('an annotation key %s would collide with a signed key', (key) => {
    expect(() => checkExtraAnnotations(key, [])).toThrow('`annotation-key` must not be')
  })

  test('extras that set other keys pass the check', () => {
    expect(() => checkExtraAnnotations(KEY, [['other.example.com/scan-status', 'anything']])).not.toThrow()
  })
})
