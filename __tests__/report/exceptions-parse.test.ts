// Reading ignore files: .trivyignore and .trivyignore.yaml, from Trivy's own test data and docs, and broken ones.
import { describe, expect, test } from 'vitest'
import { InputError } from '../../src/errors.js'
import { parseIgnoreFile } from '../../src/report/exceptions.js'
import { readIgnoreFixture } from './helpers.js'

function inputErrorOf(text: string, fileName: string): InputError {
  try {
    parseIgnoreFile(text, fileName)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('ignore-file')
    return error as InputError
  }
  throw new Error('the ignore file was read')
}

describe('.trivyignore', () => {
  test("Trivy's test data: IDs, exp: dates, comments, blank lines; unknown fields warned", () => {
    const { exceptions, warnings } = parseIgnoreFile(readIgnoreFixture('trivy-testdata.trivyignore'), '.trivyignore')
    expect(exceptions).toEqual([
      { id: 'CVE-2019-0001', source: '.trivyignore:2' },
      { id: 'CVE-2019-0002', source: '.trivyignore:3' },
      { id: 'CVE-2019-0004', expiresOn: '2020-01-01', source: '.trivyignore:4' },
      { id: 'CVE-2019-0005', expiresOn: '9999-01-01', source: '.trivyignore:5' },
      { id: 'CVE-2019-0006', expiresOn: '9999-01-01', source: '.trivyignore:6' },
      { id: 'AVD-ID-0300', source: '.trivyignore:9' },
      { id: 'generic-unwanted-rule', source: '.trivyignore:12' },
    ])
    expect(warnings).toEqual(['.trivyignore:6: `key2:value2` is not read (only `exp:YYYY-MM-DD` may follow the ID)'])
  })

  test("Trivy's docs example", () => {
    const { exceptions, warnings } = parseIgnoreFile(readIgnoreFixture('trivy-docs.trivyignore'), 'ci/.trivyignore')
    expect(exceptions.map((exception) => exception.id)).toEqual([
      'CVE-2018-14618',
      'CVE-2019-14697',
      'CVE-2019-1543',
      'AVD-DS-0002',
      'generic-unwanted-rule',
      'aws-account-id',
    ])
    expect(exceptions[1]).toEqual({ id: 'CVE-2019-14697', expiresOn: '2023-01-01', source: 'ci/.trivyignore:5' })
    expect(warnings).toEqual([])
  })

  test.each([
    ['a trailing comment', 'CVE-2024-1 exp:2030-01-01 # until the vendor ships 2.1', '2030-01-01'],
    ['a comment right after the ID', 'CVE-2024-1 #exp:2030-01-01 is only a comment', undefined],
    ['tabs and surrounding spaces', '\t CVE-2024-1\texp:2030-01-01  ', '2030-01-01'],
  ])('%s', (_, line, expiresOn) => {
    const [exception] = parseIgnoreFile(`# accepted\n${line}\n`, '.trivyignore').exceptions
    expect(exception).toEqual({ id: 'CVE-2024-1', source: '.trivyignore:2', ...(expiresOn ? { expiresOn } : {}) })
  })

  test('CRLF line ends and a byte order mark', () => {
    const { exceptions } = parseIgnoreFile('\uFEFFCVE-2024-1\r\n\r\nCVE-2024-2 exp:2030-01-01\r\n', '.trivyignore')
    expect(exceptions).toEqual([
      { id: 'CVE-2024-1', source: '.trivyignore:1' },
      { id: 'CVE-2024-2', expiresOn: '2030-01-01', source: '.trivyignore:3' },
    ])
  })

  test('an empty file, or only comments: no exceptions', () => {
    expect(parseIgnoreFile('', '.trivyignore')).toEqual({ exceptions: [], warnings: [] })
    expect(parseIgnoreFile('# nothing accepted yet\n\n', '.trivyignore').exceptions).toEqual([])
  })

  test.each([
    ['CVE-2024-1 exp:2024-13-01', /at \.trivyignore:3 has `exp:2024-13-01`; the expiry must be a date/],
    ['CVE-2024-1 exp:2024-02-30', /exp:2024-02-30/],
    ['CVE-2024-1 exp:2024-1-1', /exp:2024-1-1/],
    ['CVE-2024-1 exp:tomorrow', /exp:tomorrow/],
    ['CVE-2024-1 exp:', /`exp:`/],
    ['exp:2024-01-01 CVE-2024-1', /must start with a vulnerability ID/],
    ['CVE-2024-1 exp:2024-01-01 exp:2025-01-01', /two `exp:` dates/],
  ])('a malformed line is an input error naming the line: %s', (line, message) => {
    const error = inputErrorOf(`CVE-2024-0\n# next\n${line}\n`, '.trivyignore')
    expect(error.message).toMatch(message)
    expect(error.message).toContain(JSON.stringify(line))
  })
})

describe('.trivyignore.yaml', () => {
  test("Trivy's test data: paths, purls, expired_at; the other sections are warned, not applied", () => {
    const text = readIgnoreFixture('trivy-testdata.trivyignore.yaml')
    const { exceptions, warnings } = parseIgnoreFile(text, '.trivyignore.yaml')
    expect(exceptions).toEqual([
      { id: 'CVE-2019-0001', paths: ['**/*-lock.json'], source: '.trivyignore.yaml:2' },
      { id: 'CVE-2019-0002', paths: ['bar/package.json'], source: '.trivyignore.yaml:5' },
      { id: 'CVE-2019-0003', source: '.trivyignore.yaml:8' },
      { id: 'CVE-2019-0004', paths: ['bar/package.json'], source: '.trivyignore.yaml:9' },
      { id: 'CVE-2019-0005', expiresOn: '2023-01-01', source: '.trivyignore.yaml:12' },
      { id: 'CVE-2019-0006', expiresOn: '2020-01-01', source: '.trivyignore.yaml:14' },
      {
        id: 'CVE-2019-0007',
        purls: ['pkg:golang/github.com/aquasecurity/aaa@9.9.9', 'pkg:golang/github.com/aquasecurity/bar'],
        source: '.trivyignore.yaml:16',
      },
    ])
    expect(warnings).toEqual([
      '.trivyignore.yaml: the 3 `misconfigurations` entries are not applied (vouch gates vulnerabilities)',
      '.trivyignore.yaml: the 3 `secrets` entries are not applied (vouch gates vulnerabilities)',
      '.trivyignore.yaml: the 5 `licenses` entries are not applied (vouch gates vulnerabilities)',
    ])
  })

  test("Trivy's docs example: statement, purls, expired_at", () => {
    const text = readIgnoreFixture('trivy-docs.trivyignore.yaml')
    const { exceptions, warnings } = parseIgnoreFile(text, 'security/trivyignore.yml')
    expect(exceptions[0]).toEqual({
      id: 'CVE-2022-40897',
      statement: 'Accept the risk',
      paths: ['usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA'],
      source: 'security/trivyignore.yml:2',
    })
    expect(exceptions.slice(1).map(({ id, purls, expiresOn }) => ({ id, purls, expiresOn }))).toEqual([
      { id: 'CVE-2023-2650', purls: undefined, expiresOn: undefined },
      { id: 'CVE-2023-3446', purls: undefined, expiresOn: undefined },
      { id: 'CVE-2023-3817', purls: ['pkg:deb/debian/libssl1.1'], expiresOn: undefined },
      { id: 'CVE-2023-29491', purls: undefined, expiresOn: '2023-09-01' },
    ])
    expect(warnings).toHaveLength(3)
  })

  test("entries without an id (accepted by recent Trivy) are an input error: Trivy's own no-id test data", () => {
    const error = inputErrorOf(readIgnoreFixture('trivy-testdata-no-id.trivyignore.yaml'), '.trivyignore.yaml')
    expect(error.message).toMatch(/at \.trivyignore\.yaml:2: the entry needs an `id`/)
  })

  test.each([
    ['a YAML date', 'expired_at: 2030-01-31', '2030-01-31'],
    ['a quoted date', "expired_at: '2030-01-31'", '2030-01-31'],
    ['a YAML 1.1 timestamp tag', 'expired_at: !!timestamp 2030-01-31', '2030-01-31'],
    ['a UTC timestamp', 'expired_at: 2030-01-31T10:00:00Z', '2030-01-31'],
    ['a timestamp with an offset, read in UTC', 'expired_at: 2030-01-31T23:30:00-02:00', '2030-02-01'],
  ])('expired_at as %s', (_, line, expiresOn) => {
    const text = `vulnerabilities:\n  - id: CVE-2024-1\n    statement: Accepted\n    ${line}\n`
    expect(parseIgnoreFile(text, '.trivyignore.yaml').exceptions[0]?.expiresOn).toBe(expiresOn)
  })

  test.each([
    ['a date that does not exist', '    expired_at: 2030-02-30', /`expired_at` must be a date/],
    ['words', '    expired_at: next week', /`expired_at` must be a date, YYYY-MM-DD; got "next week"/],
    ['a number', '    expired_at: 20300131', /`expired_at` must be a date/],
    [
      'a path glob that is not valid',
      '    paths: ["usr/lib/[abc"]',
      /`paths` must be path globs; got "usr\/lib\/\[abc"/,
    ],
    ['paths as one string', '    paths: usr/lib/*', /`paths` must be path globs in a list/],
    ['a PURL that is not one', '    purls: ["npm/lodash"]', /`purls` must be package URLs; got "npm\/lodash"/],
    ['a statement that is a list', '    statement: [a, b]', /`statement` must be text/],
  ])('%s is an input error naming the entry', (_, line, message) => {
    const text = `vulnerabilities:\n  - id: CVE-2024-0\n  - id: CVE-2024-1\n${line}\n`
    const error = inputErrorOf(text, '.trivyignore.yaml')
    expect(error.message).toMatch(message)
    expect(error.message).toContain('at .trivyignore.yaml:3')
  })

  test.each([
    ['not YAML', 'vulnerabilities:\n  - id: [CVE-2024-1\n', /must be valid YAML: .*line 3/],
    ['a duplicate key', 'vulnerabilities: []\nvulnerabilities: []\n', /must be valid YAML: Map keys must be unique/],
    ['a list at the top', '- id: CVE-2024-1\n', /must be a YAML mapping/],
    ['vulnerabilities as a mapping', 'vulnerabilities:\n  id: CVE-2024-1\n', /`vulnerabilities` must be a list/],
    [
      'an entry that is a string',
      'vulnerabilities:\n  - CVE-2024-1\n',
      /at \.trivyignore\.yaml:2: an entry must be a mapping/,
    ],
  ])('%s is an input error', (_, text, message) => {
    expect(inputErrorOf(text, '.trivyignore.yaml').message).toMatch(message)
  })

  test('unknown sections and fields are warned, not applied', () => {
    const text = 'vulnerabilities:\n  - id: CVE-2024-1\n    reason: none\nvulnerabilites:\n  - id: CVE-2024-2\n'
    const { exceptions, warnings } = parseIgnoreFile(text, '.trivyignore.yaml')
    expect(exceptions).toEqual([{ id: 'CVE-2024-1', source: '.trivyignore.yaml:2' }])
    expect(warnings).toEqual([
      '.trivyignore.yaml: `vulnerabilites` is not a section of a .trivyignore.yaml and is not read',
      '.trivyignore.yaml:2: `reason` is not a field of an entry and is not read',
    ])
  })

  test('empty sections (as in many real files) are not worth a warning', () => {
    const text = 'vulnerabilities:\n  - id: CVE-2024-1\nmisconfigurations:\nsecrets:\nlicenses:\n'
    expect(parseIgnoreFile(text, '.trivyignore.yaml').warnings).toEqual([])
  })

  test('an empty file, or one without vulnerabilities: no exceptions, and a warning', () => {
    expect(parseIgnoreFile('', '.trivyignore.yaml')).toEqual({
      exceptions: [],
      warnings: ['.trivyignore.yaml is empty: no exceptions apply'],
    })
    expect(parseIgnoreFile('secrets: []\n', 'x.yaml').warnings).toEqual([
      'x.yaml has no `vulnerabilities` entries: no exceptions apply',
    ])
  })

  test.each([
    ['.trivyignore.yaml', 'yaml'],
    ['ignore.YML', 'yaml'],
    ['.trivyignore', 'text'],
    ['security/trivyignore.txt', 'text'],
  ])('%s is read as %s', (fileName, format) => {
    const text = 'vulnerabilities:\n  - id: CVE-2024-1\n'
    const ids = parseIgnoreFile(text, fileName).exceptions.map((exception) => exception.id)
    expect(ids).toEqual(format === 'yaml' ? ['CVE-2024-1'] : ['vulnerabilities:', '-'])
  })
})
