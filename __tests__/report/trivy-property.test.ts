// Whatever text the reader is given, it returns a report or throws a ScanError: never a TypeError, never anything else.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import { readFixture } from './helpers.js'

/** True when reading returns, or fails with a ScanError; a different error fails the property with its message. */
function readsOrRefuses(text: string, expectation?: { digest?: string; platform?: string }): boolean {
  try {
    const report = readTrivyReport(text, expectation)
    // What comes back is usable: every finding has an ID and a known severity.
    return report.findings.every((finding) => finding.id !== '' && typeof finding.severity === 'string')
  } catch (error) {
    if (error instanceof ScanError) return true
    throw error
  }
}

const REPORTS = [
  'alpine-39.json.golden',
  'npm-with-suppressed.json.golden',
  'spring4shell-jre11.json.golden',
  'trivy-action/with-trivy-yaml-cfg/report.json',
  'historical/v0.18.3/alpine-310.json.golden',
  'historical/pkg-report-testdata/new.json.golden',
  'defectdojo/misconfigurations_and_secrets.json',
].map((name) => JSON.parse(readFixture(name)) as unknown)

type Path = Array<string | number>

/** Every place in a JSON value: the paths to its nested values (the root is []). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(value.flatMap((item, index) => pathsOf(item, [...prefix, index])))
  if (typeof value === 'object' && value !== null) {
    return here.concat(Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key])))
  }
  return here
}

/** A copy of `value` with the value at `path` replaced, or removed when `replacement` is undefined. */
function mutate(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const copy = structuredClone(value) as Record<string | number, unknown>
  let holder = copy
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string | number, unknown>
  const last = path.at(-1)!
  if (replacement === undefined) {
    if (Array.isArray(holder)) holder.splice(last as number, 1)
    else delete holder[last]
  } else {
    holder[last] = replacement
  }
  return copy
}

const mutatedReport = fc
  .record({
    report: fc.constantFrom(...REPORTS),
    place: fc.nat(),
    replacement: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  })
  .map(({ report, place, replacement }) => {
    const paths = pathsOf(report)
    return JSON.stringify(mutate(report, paths[place % paths.length]!, replacement))
  })

const expectation = fc.record(
  {
    digest: fc.constantFrom(
      'sha256:451eee8bedcb2f029756dc3e9d73bab0e7943c1ac55cff3a4861c52a0fdd3e98',
      `sha256:${'0'.repeat(64)}`,
    ),
    platform: fc.constantFrom('linux/amd64', 'linux/arm64/v8'),
  },
  { requiredKeys: [] },
)

describe('readTrivyReport never throws anything but ScanError', () => {
  test('for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => readsOrRefuses(JSON.stringify(value) ?? '')),
      { numRuns: 500 },
    )
  })

  test('for anything JSON.stringify can serialize', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        let text: string
        try {
          text = JSON.stringify(value) ?? ''
        } catch {
          return true // not serializable (e.g. a cycle): never reaches the reader
        }
        return readsOrRefuses(text)
      }),
      { numRuns: 500 },
    )
  })

  test('for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => readsOrRefuses(text)))
  })

  test('for real reports with one value replaced or removed', () => {
    fc.assert(fc.property(mutatedReport, expectation, readsOrRefuses), { numRuns: 1000 })
  })

  test('for real reports cut short anywhere', () => {
    const text = readFixture('npm-with-suppressed.json.golden').trimEnd()
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), (end) => {
        expect(() => readTrivyReport(text.slice(0, end))).toThrow(ScanError)
      }),
    )
  })

  test('for reports shaped like Trivy output, with odd field types', () => {
    const oddValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null))
    const entry = fc.dictionary(
      fc.constantFrom(
        'VulnerabilityID',
        'PkgID',
        'PkgName',
        'PkgPath',
        'PkgIdentifier',
        'InstalledVersion',
        'FixedVersion',
        'Status',
        'Severity',
        'CVSS',
        'Title',
        'PrimaryURL',
        'PkgRef',
      ),
      oddValue,
    )
    const report = fc.record({
      SchemaVersion: fc.constant(2),
      Results: fc.array(
        fc.record({
          Target: fc.oneof(fc.string(), oddValue),
          Vulnerabilities: fc.oneof(fc.array(entry), oddValue),
          ExperimentalModifiedFindings: fc.oneof(
            fc.array(fc.record({ Type: fc.constant('vulnerability'), Status: oddValue, Finding: entry })),
            oddValue,
          ),
        }),
      ),
    })
    fc.assert(
      fc.property(report, (value) => readsOrRefuses(JSON.stringify(value))),
      { numRuns: 500 },
    )
  })
})
