// check-vuln-attestation's JMESPath conditions, evaluated against real cosign vuln predicates: the cosign
// spec's and Trivy's own examples, cosign's test predicates, and predicates whose scan result is a real Trivy
// report. `time_since` is Kyverno's, so support/conditions.ts implements it with a fixed clock.

import { describe, expect, test } from 'vitest'
import { evaluateConditions, substitute, type ConditionOutcome } from './support/conditions.js'
import { at, loadFixtureJson, loadPolicy, type KubeObject } from './support/files.js'

const ATTESTATION = at(
  loadPolicy('check-vuln-attestation.yaml'),
  'spec',
  'rules',
  0,
  'verifyImages',
  0,
  'attestations',
  0,
) as KubeObject
const CONDITIONS = ATTESTATION.conditions as KubeObject[]
const ALL = at(CONDITIONS, 0, 'all') as KubeObject[]

const HOUR = 3_600_000

/** The cosign spec's example predicate (Trivy 0.19.2 on alpine:3.12, HIGH findings only). */
function specPredicate(): KubeObject {
  return structuredClone(loadFixtureJson('vuln-predicates/cosign-spec-predicate-example.json').predicate) as KubeObject
}

/** The cosign spec's predicate around another real Trivy report, as vouch wraps its own scan. */
function predicateAround(report: string): KubeObject {
  const predicate = specPredicate()
  ;(predicate.scanner as KubeObject).result = loadFixtureJson(`vuln-predicates/${report}`)
  return predicate
}

function finishedAt(predicate: unknown): number {
  return Date.parse(String(at(predicate, 'metadata', 'scanFinishedOn')))
}

function check(predicate: unknown, age: number): ConditionOutcome {
  return evaluateConditions(CONDITIONS, predicate, new Date(finishedAt(predicate) + age))
}

/** The predicates the conditions meet, each read fresh so a test may change its copy. */
const PREDICATES = {
  specExample: specPredicate,
  trivyDocsCritical: () => loadFixtureJson('vuln-predicates/trivy-docs-cosign-vuln-alpine-3.10.json'),
  trivy072Critical: () => predicateAround('trivy-0.72.0-alpine-3.10-critical.report.json'),
  cleanWithoutResults: () => predicateAround('trivy-alpine-39-skip-no-results.report.json'),
  fakeScanner: () => loadFixtureJson('vuln-predicates/cosign-testdata-vuln-predicate.json'),
  emptyScanner: () => loadFixtureJson('vuln-predicates/cosign-policy-testdata-valid-vuln.statement.json').predicate,
}
type PredicateName = keyof typeof PREDICATES

const DESCRIPTIONS: Record<PredicateName, string> = {
  specExample: 'the cosign spec example (Trivy 0.19.2, HIGH only)',
  trivyDocsCritical: "Trivy's cosign-vuln example (one CRITICAL)",
  trivy072Critical: 'a Trivy 0.72.0 report with one CRITICAL',
  cleanWithoutResults: 'a clean Trivy report without Results',
  fakeScanner: "cosign's test predicate (fake scanner, no result)",
  emptyScanner: "cosign's valid DSSE statement (empty scanner)",
}

describe('the attestation check-vuln-attestation reads', () => {
  test('is the vuln predicate type cosign writes, as in the signed statement of cosign’s test data', () => {
    const statement = loadFixtureJson('vuln-predicates/cosign-policy-testdata-valid-vuln.statement.json')
    expect(ATTESTATION.type).toBe('https://cosign.sigstore.dev/attestation/vuln/v1')
    expect(ATTESTATION.type).toBe(statement.predicateType)
  })

  test('is verified with the same key placeholder as the signature', () => {
    expect(at(ATTESTATION, 'attestors', 0, 'count')).toBe(1)
    expect(at(ATTESTATION, 'attestors', 0, 'entries', 0, 'keys', 'publicKeys')).toBe(
      at(
        loadPolicy('verify-vouch-signature.yaml'),
        'spec',
        'rules',
        0,
        'verifyImages',
        0,
        'attestors',
        0,
        'entries',
        0,
        'keys',
        'publicKeys',
      ),
    )
  })

  test('is checked in Audit, as upstream does for scan age', () => {
    const policy = loadPolicy('check-vuln-attestation.yaml')
    expect(at(policy, 'spec', 'validationFailureAction')).toBe('Audit')
    expect(at(policy, 'spec', 'rules', 0, 'verifyImages', 0, 'failureAction')).toBe('Audit')
  })
})

describe('the CRITICAL count', () => {
  const countKey = ALL.find((condition) => String(condition.key).includes("'CRITICAL'"))?.key

  test.each([
    [0, 'specExample'],
    [1, 'trivyDocsCritical'],
    [1, 'trivy072Critical'],
    [0, 'cleanWithoutResults'],
    [0, 'fakeScanner'],
    [0, 'emptyScanner'],
  ] as [number, PredicateName][])('is %i for %s', (count, name) => {
    expect(substitute(countKey, PREDICATES[name](), new Date())).toBe(count)
  })

  test('counts CRITICAL entries across results and skips results without or with null Vulnerabilities', () => {
    const report = loadFixtureJson('vuln-predicates/trivy-0.72.0-alpine-3.10-critical.report.json')
    const critical = at(report, 'Results', 0, 'Vulnerabilities', 0) as KubeObject
    expect(critical.Severity).toBe('CRITICAL')
    const predicate = specPredicate()
    const result = at(predicate, 'scanner', 'result') as KubeObject
    const results = result.Results as KubeObject[]
    results.push({ Target: 'no findings' }, { Target: 'null findings', Vulnerabilities: null })
    results.push({ ...(report.Results as KubeObject[])[0], Vulnerabilities: [critical, critical] })
    expect(substitute(countKey, predicate, new Date())).toBe(2)
  })
})

describe('an image is admitted with', () => {
  test.each([
    ['specExample', 1],
    ['cleanWithoutResults', 6 * 24],
    ['specExample', 7 * 24],
  ] as [PredicateName, number][])('%s, scanned %i hours before', (name, hours) => {
    expect(check(PREDICATES[name](), hours * HOUR), DESCRIPTIONS[name]).toEqual({ result: 'pass' })
  })
})

const CRITICAL = 'The signed vulnerability scan lists CRITICAL findings.'
const STALE = 'The vulnerability scan is older than one week.'
const NOT_TRIVY = 'The vulnerability scan was not made by Trivy.'

describe('an image is refused with', () => {
  test.each([
    ['trivyDocsCritical', 1, [CRITICAL]],
    ['trivy072Critical', 1, [CRITICAL]],
    ['specExample', 8 * 24, [STALE]],
    ['trivy072Critical', 8 * 24, [CRITICAL, STALE]],
    ['fakeScanner', 1, [NOT_TRIVY]],
    ['emptyScanner', 1, [NOT_TRIVY]],
  ] as [PredicateName, number, string[]][])('%s, scanned %i hours before', (name, hours, failed) => {
    expect(check(PREDICATES[name](), hours * HOUR), DESCRIPTIONS[name]).toEqual({ result: 'fail', failed })
  })

  // Kyverno turns a condition it cannot evaluate into a rule error, which the webhook reports as a failure.
  test('a predicate whose scanner has no URI (an error, not a pass)', () => {
    const predicate = PREDICATES.emptyScanner() as KubeObject
    delete (predicate.scanner as KubeObject).uri
    expect(check(predicate, HOUR).result).toBe('error')
  })
})
