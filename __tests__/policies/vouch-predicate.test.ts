// The shipped attestation policy meets the predicate vouch itself writes: rendered from real Trivy reports through
// the reader and the gate, exactly as the action attests it.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { readTrivyReport } from '../../src/report/trivy.js'
import { decide, holdGate } from '../../src/report/gate.js'
import { renderPredicate } from '../../src/render/predicate.js'
import type { Exception } from '../../src/report/verdict.js'
import { evaluateConditions } from './support/conditions.js'
import { at, loadPolicy, type KubeObject } from './support/files.js'

const CONDITIONS = at(
  loadPolicy('check-vuln-attestation.yaml'),
  'spec',
  'rules',
  0,
  'verifyImages',
  0,
  'attestations',
  0,
  'conditions',
) as KubeObject[]

const finished = new Date('2026-11-27T12:00:00Z')

function vouchPredicate(report: string, exceptions: Exception[] = []) {
  const text = readFileSync(new URL(`../fixtures/trivy/json/${report}`, import.meta.url), 'utf8')
  const { findings, modified } = readTrivyReport(text)
  const gate = holdGate({
    findings,
    modified,
    budgets: { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null },
    exceptions,
    ignoreUnfixed: false,
    today: '2026-11-27',
  })
  const predicate = renderPredicate({
    gate,
    trivyVersion: 'v0.74.0',
    dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2',
    dbUpdatedAt: '2026-11-27T06:00:00Z',
    scanStartedOn: new Date(finished.getTime() - 60_000),
    scanFinishedOn: finished,
    image: 'registry.example.com/team/app@sha256:' + 'a'.repeat(64),
  })
  // The policy reads the predicate as Kyverno hands it over: plain JSON.
  return { verdict: decide(gate).status, predicate: JSON.parse(JSON.stringify(predicate)) as unknown }
}

describe('check-vuln-attestation against the predicates vouch writes', () => {
  test('a passed scan (alpine 3.10, MEDIUM only) is admitted', () => {
    const { verdict, predicate } = vouchPredicate('alpine-310.json.golden')
    expect(verdict).toBe('passed')
    expect(evaluateConditions(CONDITIONS, predicate, new Date(finished.getTime() + 3_600_000))).toEqual({
      result: 'pass',
    })
  })

  test('a scan with CRITICAL findings is refused', () => {
    const { verdict, predicate } = vouchPredicate('alpine-39.json.golden')
    expect(verdict).toBe('failed')
    expect(evaluateConditions(CONDITIONS, predicate, new Date(finished.getTime() + 3_600_000)).result).toBe('fail')
  })

  test('CRITICAL findings set aside by an exception are not held against the image', () => {
    const exception: Exception = {
      id: 'CVE-2019-14697',
      statement: 'not reachable',
      expiresOn: '2026-12-31',
      source: 'test',
    }
    const { verdict, predicate } = vouchPredicate('alpine-39.json.golden', [exception])
    expect(verdict).toBe('passed')
    expect(evaluateConditions(CONDITIONS, predicate, new Date(finished.getTime() + 3_600_000))).toEqual({
      result: 'pass',
    })
  })

  test('a scan older than the policy allows is refused', () => {
    const { predicate } = vouchPredicate('alpine-310.json.golden')
    expect(evaluateConditions(CONDITIONS, predicate, new Date(finished.getTime() + 200 * 3_600_000)).result).toBe(
      'fail',
    )
  })
})
