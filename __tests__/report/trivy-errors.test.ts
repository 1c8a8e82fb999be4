// Reports vouch must refuse, each with a message that says what is wrong; and the check that a report is for the
// digest that was scanned. Bad reports are real reports damaged on purpose.
import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import { findJsonError } from '../../src/report/json-error.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import { readFixture } from './helpers.js'

const ALPINE = readFixture('alpine-310.json.golden')
const PINNED = readFixture('trivy-action/with-trivy-yaml-cfg/report.json')
const PINNED_DIGEST = 'sha256:451eee8bedcb2f029756dc3e9d73bab0e7943c1ac55cff3a4861c52a0fdd3e98'
const OTHER_DIGEST = `sha256:${'0'.repeat(64)}`

/** A real report with one change made to its parsed JSON. */
function damaged(text: string, change: (report: Record<string, unknown>) => void): string {
  const report = JSON.parse(text) as Record<string, unknown>
  change(report)
  return JSON.stringify(report, null, 2)
}

function firstVulnerability(report: Record<string, unknown>): Record<string, unknown> {
  const results = report.Results as Array<{ Vulnerabilities: Array<Record<string, unknown>> }>
  return results[0]!.Vulnerabilities[0]!
}

function scanErrorOf(text: string, expectation?: { digest?: string }): ScanError {
  try {
    readTrivyReport(text, expectation)
  } catch (error) {
    expect(error).toBeInstanceOf(ScanError)
    return error as ScanError
  }
  throw new Error('the report was read')
}

describe('reports that are not reports', () => {
  test.each([
    ['an empty string', '', /empty/],
    ['only whitespace', ' \n\t', /empty/],
    ['literal null', 'null', /`null`/],
    ['a number', '42', /JSON number/],
    ['a string', '"report"', /JSON string/],
    ['a boolean', 'true', /JSON boolean/],
    ['an object that is no report', '{"hello":"world"}', /neither SchemaVersion nor a Results array/],
    ['a bare array of non-objects', '[1, 2]', /\[0\] is the number 1, not an object/],
  ])('%s is a scan error', (_, text, message) => {
    expect(scanErrorOf(text).message).toMatch(message)
  })
})

describe('malformed JSON says where', () => {
  test('a report cut short names the end', () => {
    const cut = ALPINE.slice(0, 500)
    const message = scanErrorOf(cut).message
    expect(message).toMatch(/not valid JSON/)
    expect(message).toContain(`line ${cut.split('\n').length}`)
    expect(message).toContain('end of text')
  })

  test('a stray character names its line and column', () => {
    const lines = ALPINE.split('\n')
    lines[9] = `${lines[9]}}`
    const message = scanErrorOf(lines.join('\n')).message
    expect(message).toContain(`line 10, column ${lines[9]!.length}`)
  })

  test('two reports written into one file', () => {
    expect(scanErrorOf(`${ALPINE}\n${ALPINE}`).message).toMatch(/not valid JSON \(line \d+, column 1: unexpected "\{/)
  })

  test.each([
    ['{"a":}', 1, 6],
    ['{"a":1', 1, 7],
    ['[1,2,,]', 1, 6],
    ['{\n  "a": 1,\n  "b": x\n}', 3, 8],
    ['{"a":"\u0001"}', 1, 7],
    ['{"a":"\\x"}', 1, 7],
    ['{"a" 1}', 1, 6],
    ['[01]', 1, 3],
  ])('findJsonError(%j) → line %i, column %i', (text, line, column) => {
    expect(findJsonError(text)).toMatchObject({ line, column })
  })

  test.each([['{}'], ['[]'], ['{"a":[1,-2.5e3,true,null,"\\u00e9"]}'], [' "x" ']])(
    'findJsonError(%j): valid',
    (text) => {
      expect(findJsonError(text)).toBeUndefined()
    },
  )
})

describe('shapes Trivy never wrote', () => {
  test.each([
    ['SchemaVersion 1', (report: Record<string, unknown>) => (report.SchemaVersion = 1), /SchemaVersion 1;/],
    ['SchemaVersion 3', (report: Record<string, unknown>) => (report.SchemaVersion = 3), /SchemaVersion 3;/],
    ['SchemaVersion "2"', (report: Record<string, unknown>) => (report.SchemaVersion = '2'), /SchemaVersion "2"/],
    ['Results as a string', (report: Record<string, unknown>) => (report.Results = 'none'), /Results is the string/],
    ['Results as an object', (report: Record<string, unknown>) => (report.Results = {}), /Results is an object/],
    [
      'a result that is a string',
      (report: Record<string, unknown>) => (report.Results = ['x']),
      /Results\[0\] is the string "x", not an object/,
    ],
    [
      'Vulnerabilities as an object',
      (report: Record<string, unknown>) =>
        ((report.Results as Array<Record<string, unknown>>)[0]!.Vulnerabilities = {}),
      /Results\[0\]\.Vulnerabilities is an object, not a list/,
    ],
    [
      'a vulnerability without VulnerabilityID',
      (report: Record<string, unknown>) => delete firstVulnerability(report).VulnerabilityID,
      /Results\[0\]\.Vulnerabilities\[0\] has no VulnerabilityID/,
    ],
    [
      'a numeric Status',
      (report: Record<string, unknown>) => (firstVulnerability(report).Status = 3),
      /Vulnerabilities\[0\]\.Status is the number 3, not a string/,
    ],
    [
      'a PkgIdentifier that is a string',
      (report: Record<string, unknown>) => (firstVulnerability(report).PkgIdentifier = 'pkg:apk/x'),
      /PkgIdentifier is the string/,
    ],
    [
      'RepoDigests that are not strings',
      (report: Record<string, unknown>) => ((report.Metadata as Record<string, unknown>).RepoDigests = [1]),
      /Metadata\.RepoDigests\[0\] is the number 1/,
    ],
  ])('%s is a scan error', (_, change, message) => {
    expect(scanErrorOf(damaged(ALPINE, change)).message).toMatch(message)
  })

  test('a trivy k8s report is refused as not the report of one image', () => {
    expect(scanErrorOf(readFixture('defectdojo/kubernetes.json')).message).toMatch(/`trivy k8s` cluster report/)
  })
})

describe('a report for another artifact', () => {
  test('RepoDigests naming another digest: a scan error saying which digest the report is for', () => {
    const message = scanErrorOf(PINNED, { digest: OTHER_DIGEST }).message
    expect(message).toContain(`the Trivy report is for ${PINNED_DIGEST}`)
    expect(message).toContain(`not for the scanned digest ${OTHER_DIGEST}`)
  })

  test('the other digest is what is reported, even when the rest of the report is damaged too', () => {
    const text = damaged(PINNED, (report) => (report.Results = 'none'))
    expect(scanErrorOf(text, { digest: OTHER_DIGEST }).message).toContain(`not for the scanned digest ${OTHER_DIGEST}`)
  })

  test('RepoDigests naming the scanned digest: read', () => {
    expect(readTrivyReport(PINNED, { digest: PINNED_DIGEST }).findings).toHaveLength(1)
  })

  test('an ArtifactName pinned to another digest', () => {
    const text = damaged(ALPINE, (report) => (report.ArtifactName = `registry.example.com/app@${PINNED_DIGEST}`))
    expect(scanErrorOf(text, { digest: OTHER_DIGEST }).message).toContain(PINNED_DIGEST)
    expect(readTrivyReport(text, { digest: PINNED_DIGEST }).findings).toHaveLength(4)
  })

  test('one matching digest among several is enough (a docker image known under two names)', () => {
    const text = damaged(PINNED, (report) => {
      const metadata = report.Metadata as { RepoDigests: string[] }
      metadata.RepoDigests.unshift(`mirror.example.com/alpine@${OTHER_DIGEST}`)
    })
    expect(readTrivyReport(text, { digest: PINNED_DIGEST }).repoDigests).toHaveLength(2)
  })

  test.each([
    ['alpine-310.json.golden', 'a local archive: no RepoDigests'],
    ['defectdojo/all_statuses.json', 'RepoDigests: [""]'],
    ['historical/pkg-report-testdata/old.json.golden', 'a bare array'],
  ])('%s (%s) names no digest, so it cannot be the report of a scan by digest', (name) => {
    expect(() => readTrivyReport(readFixture(name), { digest: OTHER_DIGEST })).toThrow(
      new ScanError(`the Trivy report names no artifact digest, so it cannot be the report for ${OTHER_DIGEST}`),
    )
    // Read without an expected digest (e.g. a report on disk), it is still a report.
    expect(() => readTrivyReport(readFixture(name))).not.toThrow()
  })
})
