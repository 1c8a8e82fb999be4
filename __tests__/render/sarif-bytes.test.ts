// The SARIF text written piece by piece is, byte for byte, the object tree the action serialised before
// (sarif-oracle.ts): on every report of the corpus, on generated large reports with exceptions and duplicates, and on
// findings of any text, in chunks of any size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import { generateReport } from '../../bench/generate-report.js'
import { renderPredicate } from '../../src/render/predicate.js'
import { sarifChunks, sarifText } from '../../src/render/sarif.js'
import { writeSarifAndPredicate } from '../../src/stages/reports.js'
import { holdGate } from '../../src/report/gate.js'
import { mergeReports } from '../../src/report/merge.js'
import { SEVERITIES } from '../../src/report/model.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import type { IgnoreReason } from '../../src/report/verdict.js'
import { corpusGates } from './sarif-corpus.js'
import { oracleText } from './sarif-oracle.js'
import { budgets, exception, finding, fixturePath, gateOf, IMAGE, manyFindings, NOW } from './builders.js'

describe('every report of the corpus', () => {
  const gates = corpusGates()
  test('the corpus is there', () => {
    expect(gates.length).toBeGreaterThan(50)
  })
  test.each(gates)('%s', (_name, gate) => {
    for (const image of [IMAGE, '']) {
      const context = { gate, trivyVersion: '0.74.0', image }
      expect(sarifText(context)).toBe(oracleText(context))
    }
  })
})

describe('generated large reports', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vouch-sarif-bytes-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))
  const digest = `sha256:${'5e'.repeat(32)}`

  test.each([500_000, 2_000_000])('%d bytes, with exceptions, duplicates and ignore-unfixed', (bytes) => {
    const file = path.join(work, `trivy-${bytes}.json`)
    const generated = generateReport(fixturePath('trivy/json'), file, { bytes, digest })
    const report = readTrivyReport(readFileSync(file, 'utf8'), { digest })
    const gate = holdGate({
      ...mergeReports([report]),
      budgets: budgets({ CRITICAL: 0, HIGH: 10 }),
      exceptions: generated.exceptions,
      ignoreUnfixed: true,
      today: '2025-06-01',
    })
    expect(gate.counted.length).toBeGreaterThan(20)
    expect(gate.ignored.some(({ reason }) => reason.kind === 'exception')).toBe(true)
    if (bytes > 1_000_000) expect(gate.ignored.some(({ reason }) => reason.kind === 'unfixed')).toBe(true)
    const context = { gate, trivyVersion: 'v0.74.0', image: `registry.example/bench/app@${digest}` }
    const chunks = [...sarifChunks(context)]
    expect(chunks.join('')).toBe(oracleText(context))
    if (bytes > 1_000_000) expect(chunks.length).toBeGreaterThan(2)
  })
})

test('the reports stage writes those bytes, in more than one chunk, and then the predicate', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vouch-sarif-file-'))
  try {
    const gate = gateOf(manyFindings(3_000), { budgets: budgets() })
    const sarif = { gate, trivyVersion: 'v0.74.0', image: IMAGE }
    const predicate = {
      gate,
      trivyVersion: 'v0.74.0',
      dbRepository: 'db',
      scanStartedOn: NOW,
      scanFinishedOn: NOW,
      image: IMAGE,
    }
    const files = { sarif: path.join(work, 'trivy.sarif'), predicate: path.join(work, 'vuln-predicate.json') }
    expect([...sarifChunks(sarif)].length).toBeGreaterThan(2)
    await writeSarifAndPredicate(files, sarif, predicate)
    expect(readFileSync(files.sarif, 'utf8')).toBe(oracleText(sarif))
    expect(readFileSync(files.predicate, 'utf8')).toBe(`${JSON.stringify(renderPredicate(predicate))}\n`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})

test('chunks of any size join to the same text, each but the last at least the size asked', () => {
  const gate = gateOf(
    Array.from({ length: 40 }, (_, index) => finding({ id: `CVE-2024-${1000 + (index % 25)}`, pkgName: `p${index}` })),
    { budgets: budgets() },
  )
  const context = { gate, trivyVersion: '0.74.0', image: IMAGE }
  const whole = oracleText(context)
  for (const size of [1, 100, 5_000, 1 << 30]) {
    const chunks = [...sarifChunks(context, size)]
    expect(chunks.join('')).toBe(whole)
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(size)
    if (size === 1 << 30) expect(chunks).toHaveLength(1)
  }
})

test('property: findings of any text, severity, score, platforms and reason give the same bytes', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 })
  const reason: fc.Arbitrary<IgnoreReason> = fc.oneof(
    fc.constant({ kind: 'unfixed' } as const),
    fc.constant({ kind: 'not_affected' } as const),
    text.map((statement) => ({ kind: 'exception', exception: exception({ statement }) }) as const),
    fc.record({ kind: fc.constant('vex' as const), statement: text, source: text }),
  )
  const item = fc
    .record({
      id: fc.oneof(fc.constantFrom('CVE-2024-0001', 'CVE-2024-0002', 'GHSA-2222-3333-4444'), text),
      pkgName: text,
      installedVersion: text,
      fixedVersion: fc.option(text, { nil: undefined }),
      title: fc.option(fc.oneof(text, fc.string({ minLength: 900, maxLength: 1200 })), { nil: undefined }),
      primaryUrl: fc.option(
        fc.oneof(
          text,
          text.map((p) => `https://advisories.example/${p}`),
        ),
        { nil: undefined },
      ),
      cvssScore: fc.option(fc.double({ min: -1, max: 12, noNaN: false }), { nil: undefined }),
      severity: fc.constantFrom(...SEVERITIES),
      target: text,
      pkgPath: fc.option(text, { nil: undefined }),
      resultClass: fc.constantFrom('os-pkgs', 'lang-pkgs', undefined),
      platforms: fc.array(text, { maxLength: 2 }),
    })
    .map((fields) => finding({ ...fields, id: fields.id || 'CVE-2024-0001' }))
  fc.assert(
    fc.property(
      fc.array(item, { maxLength: 6 }),
      fc.array(fc.tuple(item, reason), { maxLength: 4 }),
      fc.constantFrom(IMAGE, ''),
      fc.integer({ min: 1, max: 3_000 }),
      (counted, ignored, image, size) => {
        const gate = gateOf(counted, { ignored: ignored.map(([f, r]) => ({ finding: f, reason: r })) })
        const context = { gate, trivyVersion: 'v0.74.0', image }
        expect([...sarifChunks(context, size)].join('')).toBe(oracleText(context))
      },
    ),
    { numRuns: 300 },
  )
})
