// SARIF: the file vouch writes is valid against the OASIS SARIF 2.1.0 schema for every report in the corpus, and
// field for field what Trivy's own writer gives for the same scan (integration golden alpine-310).
import { Ajv } from 'ajv'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  artifactOfTarget,
  locationUri,
  sarifText,
  securitySeverity,
  type SarifContext,
  type SarifLog,
} from '../../src/render/sarif.js'
import { SEVERITIES, type Finding, type Severity } from '../../src/report/model.js'
import { budgets, exception, finding, gateOf, IMAGE, readJsonFixture } from './builders.js'
import { corpusGates, gateFor } from './sarif-corpus.js'

const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/
const ajv = new Ajv({ strict: false })
ajv.addFormat('uri', (value: string) => URI_REFERENCE.test(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value))
ajv.addFormat('uri-reference', (value: string) => URI_REFERENCE.test(value))
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)))
const validate = ajv.compile(readJsonFixture<object>('sarif/sarif-schema-2.1.0.json'))

function expectValid(log: unknown): void {
  const valid = validate(JSON.parse(JSON.stringify(log)))
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([])
  expect(valid).toBe(true)
}

/** The log as the file holds it. */
function renderSarif(context: SarifContext): SarifLog {
  return JSON.parse(sarifText(context)) as SarifLog
}

const CORPUS = corpusGates()

describe('schema', () => {
  test('the corpus is there', () => {
    expect(CORPUS.length).toBeGreaterThan(50)
  })

  test.each(CORPUS)('%s', (_name, gate) => {
    const log = renderSarif({ gate, trivyVersion: '0.74.0', image: IMAGE })
    expectValid(log)
    const run = log.runs[0]
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId)
  })

  test('Trivy’s own golden passes the same validation', () => {
    expectValid(readJsonFixture('sarif/alpine-310.sarif.golden'))
  })
})

describe('like Trivy’s own SARIF for alpine-310', () => {
  const golden = readJsonFixture<SarifLog>('sarif/alpine-310.sarif.golden')
  const ours = renderSarif({ gate: gateFor('alpine-310.json.golden'), trivyVersion: 'dev', image: IMAGE })
  const [goldenRun, ourRun] = [golden.runs[0], ours.runs[0]]
  if (goldenRun === undefined || ourRun === undefined) throw new Error('no run')

  test('tool', () => {
    const withoutRules = (driver: object) =>
      Object.fromEntries(Object.entries(driver).filter(([key]) => key !== 'rules'))
    const [goldenDriver, ourDriver] = [withoutRules(goldenRun.tool.driver), withoutRules(ourRun.tool.driver)]
    expect(ourDriver).toEqual(goldenDriver)
    expect(ours.version).toBe(golden.version)
    expect(ours.$schema).toBe(golden.$schema)
    expect(ourRun.columnKind).toBe(goldenRun.columnKind)
  })

  test('the same rules, with the same level, security-severity, tags, name and links', () => {
    const pick = (rule: SarifLog['runs'][number]['tool']['driver']['rules'][number]) => ({
      id: rule.id,
      name: rule.name,
      level: rule.defaultConfiguration.level,
      helpUri: rule.helpUri,
      shortDescription: rule.shortDescription,
      severity: rule.properties['security-severity'],
      tags: rule.properties.tags,
      precision: rule.properties.precision,
    })
    expect(ourRun.tool.driver.rules.map(pick)).toEqual(goldenRun.tool.driver.rules.map(pick))
  })

  test('the same results: rule, level, message and location', () => {
    const pick = (result: SarifLog['runs'][number]['results'][number]) => ({
      ruleId: result.ruleId,
      level: result.level,
      message: result.message.text,
      location: result.locations[0],
    })
    const sorted = (results: ReturnType<typeof pick>[]) =>
      [...results].sort((a, b) => a.message.localeCompare(b.message))
    expect(sorted(ourRun.results.map(pick))).toEqual(sorted(goldenRun.results.map(pick)))
  })
})

describe('levels and security-severity', () => {
  test.each([
    ['CRITICAL', 'error', '9.5'],
    ['HIGH', 'error', '8.0'],
    ['MEDIUM', 'warning', '5.5'],
    ['LOW', 'note', '2.0'],
    ['UNKNOWN', 'note', '0.0'],
  ] satisfies [Severity, string, string][])('%s without CVSS: %s, %s', (severity, level, score) => {
    const log = renderSarif({
      gate: gateOf([finding({ severity, cvssScore: undefined })]),
      trivyVersion: 'v0.74.0',
      image: IMAGE,
    })
    expect(log.runs[0]?.results[0]?.level).toBe(level)
    expect(log.runs[0]?.tool.driver.rules[0]?.properties['security-severity']).toBe(score)
    expect(log.runs[0]?.tool.driver.rules[0]?.properties.tags).toEqual(['vulnerability', 'security', severity])
  })

  test.each([
    [9.8, '9.8'],
    [7.5, '7.5'],
    [5, '5.0'],
    [0, '5.5'],
    [Number.NaN, '5.5'],
    [11, '10.0'],
  ])('CVSS %d -> %s', (cvssScore, score) => {
    expect(securitySeverity({ severity: 'MEDIUM', cvssScore })).toBe(score)
  })

  test('one rule per ID, rated by its most severe finding', () => {
    const log = renderSarif({
      gate: gateOf([
        finding({ pkgName: 'a', severity: 'LOW', cvssScore: 3.1 }),
        finding({ pkgName: 'b', severity: 'HIGH', cvssScore: 7.5 }),
      ]),
      trivyVersion: '0.74.0',
      image: IMAGE,
    })
    expect(log.runs[0]?.tool.driver.rules).toHaveLength(1)
    expect(log.runs[0]?.tool.driver.rules[0]?.properties['security-severity']).toBe('7.5')
    expect(log.runs[0]?.results.map((result) => [result.ruleIndex, result.level])).toEqual([
      [0, 'error'],
      [0, 'note'],
    ])
  })
})

describe('ignored findings are suppressed results', () => {
  test.each([
    [
      { kind: 'exception', exception: exception() },
      'exception (.trivyignore.yaml:3, until 2026-12-31): fork() is never called after the RNG is seeded',
    ],
    [{ kind: 'unfixed' }, 'no fixed version yet (ignore-unfixed)'],
    [
      { kind: 'vex', statement: 'vulnerable_code_not_in_execute_path', source: './vex.json' },
      'VEX (./vex.json): vulnerable_code_not_in_execute_path',
    ],
  ] as const)('%j', (reason, justification) => {
    const gate = gateOf([finding({ id: 'CVE-2024-0001' })], { ignored: [{ finding: finding(), reason }] })
    const log = renderSarif({ gate, trivyVersion: '0.74.0', image: IMAGE })
    expectValid(log)
    const [counted, ignored] = log.runs[0]?.results ?? []
    expect(counted?.suppressions).toBeUndefined()
    expect(ignored?.suppressions).toEqual([{ kind: 'external', state: 'accepted', justification }])
  })
})

describe('location URIs', () => {
  test.each([
    [`${IMAGE} (alpine 3.10.2)`, 'os-pkgs', undefined, 'acme/shop'],
    ['alpine:3.10 (alpine 3.10.9)', 'os-pkgs', undefined, 'library/alpine'],
    ['localhost:5000/team/app:1.0 (debian 12.5)', 'os-pkgs', undefined, 'team/app'],
    [
      'testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)',
      'os-pkgs',
      undefined,
      'testdata/fixtures/images/alpine-310.tar.gz',
    ],
    ['alpine:3.12 (alpine 3.12.9)', undefined, undefined, 'library/alpine'],
    ['Java', 'lang-pkgs', 'app/lib/log4j-core-2.14.1.jar', 'app/lib/log4j-core-2.14.1.jar'],
    ['package-lock.json', 'lang-pkgs', undefined, 'package-lock.json'],
    ['app/my file#1?.jar', 'lang-pkgs', undefined, 'app/my%20file%231%3F.jar'],
    ['C:\\app\\x.jar', 'lang-pkgs', undefined, './C:/app/x.jar'],
    ['', 'lang-pkgs', undefined, 'acme/shop'],
  ])('%j (%s, %s) -> %s', (target, resultClass, pkgPath, uri) => {
    const item = finding({ target, resultClass, pkgPath })
    expect(locationUri(item, IMAGE)).toBe(uri)
  })
})

test('findings that share a target, or differ only in class or path, each get their own location URI', () => {
  const places: Partial<Finding>[] = [
    { target: 'app (alpine 3.19.1)', resultClass: 'os-pkgs' },
    { target: 'app (alpine 3.19.1)', resultClass: 'os-pkgs' },
    { target: 'app (alpine 3.19.1)', resultClass: undefined },
    { target: 'app (alpine 3.19.1)', resultClass: '' },
    { target: 'Java', resultClass: 'lang-pkgs', pkgPath: 'app/a.jar' },
    { target: 'Java', resultClass: 'lang-pkgs', pkgPath: 'app/b.jar' },
    { target: 'Java', resultClass: 'lang-pkgs' },
  ]
  const findings = places.map((place, index) => finding({ ...place, id: `CVE-2024-${1000 + index}` }))
  const log = renderSarif({ gate: gateOf(findings, { budgets: budgets() }), trivyVersion: '0.74.0', image: IMAGE })
  const uris = log.runs[0]?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri)
  const byId = new Map(log.runs[0]?.results.map((result, index) => [result.ruleId, uris?.[index]]))
  for (const item of findings) expect(byId.get(item.id)).toBe(locationUri(item, IMAGE))
  // The places really differ: a class left out (read from the target) is not an empty class.
  expect(uris?.[2]).not.toBe(uris?.[3])
  expect(uris?.[4]).not.toBe(uris?.[6])
})

test('results name the platforms a finding was seen on', () => {
  const log = renderSarif({
    gate: gateOf([finding({ platforms: ['linux/amd64', 'linux/arm64'] })], { budgets: budgets() }),
    trivyVersion: '0.74.0',
    image: IMAGE,
  })
  expect(log.runs[0]?.results[0]?.message.text).toMatch(/\nPlatforms: linux\/amd64, linux\/arm64$/)
  expect(log.runs[0]?.properties).toEqual({ imageName: IMAGE, repoDigests: [IMAGE] })
})

test('every severity maps to a level', () => {
  for (const severity of SEVERITIES) {
    const log = renderSarif({ gate: gateOf([finding({ severity })]), trivyVersion: '0.74.0', image: IMAGE })
    expect(['error', 'warning', 'note']).toContain(log.runs[0]?.results[0]?.level)
  }
})

test('property: any scanner text still gives valid SARIF with URI references code scanning accepts', () => {
  const text = fc.string({ unit: 'binary', maxLength: 60 })
  fc.assert(
    fc.property(
      fc.record({
        id: text,
        pkgName: text,
        title: text,
        target: text,
        pkgPath: text,
        primaryUrl: fc.oneof(
          text,
          text.map((path) => `https://advisories.example/${path}`),
        ),
      }),
      fc.constantFrom('os-pkgs', 'lang-pkgs', undefined),
      (fields, resultClass) => {
        const item = finding({
          ...fields,
          id: fields.id || 'CVE-2024-0001',
          pkgPath: fields.pkgPath || undefined,
          resultClass,
        })
        expectValid(renderSarif({ gate: gateOf([item]), trivyVersion: '0.74.0', image: IMAGE }))
      },
    ),
    { numRuns: 200 },
  )
})

describe('the artifact of an OS target', () => {
  // Trivy's pathRegex, which artifactOfTarget finds without backtracking.
  const pathRegex = /^(.+?)(?:\s*\(.*?\).*?)?$/s
  const reference = (target: string) => pathRegex.exec(target)?.[1] ?? target

  test("agrees with Trivy's pathRegex on every short target of spaces, letters and parentheses", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '(', ')', '\n'), maxLength: 12 }), (target) => {
        expect(artifactOfTarget(target)).toBe(reference(target))
      }),
      { numRuns: 5_000 },
    )
  })

  // The quadratic regex took seconds on each of these (bench/ measures speed; this test only asks for the right answer).
  test('200,000 "(" finish, and come back whole or cut at the first one', () => {
    const opens = '('.repeat(200_000)
    expect(artifactOfTarget(opens)).toBe(opens)
    expect(artifactOfTarget(`alpine:3.10 ${opens})`)).toBe('alpine:3.10')
    expect(locationUri(finding({ target: `alpine:3.10 ${opens}`, resultClass: 'os-pkgs' }), IMAGE)).toBe(
      encodeURI(`alpine:3.10 ${opens}`).replace(/^alpine:/, './alpine:'),
    )
  })
})

describe('the SARIF file', () => {
  test('is the log on one line, compact, ending in a newline', () => {
    const text = sarifText({ gate: gateOf([finding({ id: 'CVE-2024-1' })]), trivyVersion: '0.74.0', image: IMAGE })
    expect(text).toBe(`${JSON.stringify(JSON.parse(text))}\n`)
    expect(text.indexOf('\n')).toBe(text.length - 1)
  })
})
