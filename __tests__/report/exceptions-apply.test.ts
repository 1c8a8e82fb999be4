// Checking exceptions (statement, expiry, strict mode), when they expire, and which findings they cover.
import { describe, expect, test } from 'vitest'
import { InputError } from '../../src/errors.js'
import { checkExceptions, isExpired, matches, parseIgnoreFile } from '../../src/report/exceptions.js'
import type { Finding } from '../../src/report/model.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import type { Exception } from '../../src/report/verdict.js'
import { finding, readFixture, readIgnoreFixture } from './helpers.js'

const exception = (overrides: Partial<Exception> = {}): Exception => ({
  id: 'CVE-2024-0001',
  source: '.trivyignore.yaml:2',
  ...overrides,
})
const findingIn = (name: string, id: string): Finding => {
  const found = readTrivyReport(readFixture(name)).findings.find((one) => one.id === id)
  if (!found) throw new Error(`${id} is not in ${name}`)
  return found
}

describe('checkExceptions', () => {
  test('.trivyignore entries have no statement: one warning names each entry once; another lists those without expiry', () => {
    const { exceptions } = parseIgnoreFile(readIgnoreFixture('trivy-docs.trivyignore'), '.trivyignore')
    expect(checkExceptions(exceptions, { strict: false })).toEqual([
      '6 exceptions have no statement: CVE-2018-14618 (.trivyignore:2), CVE-2019-14697 (.trivyignore:5), ' +
        'CVE-2019-1543 (.trivyignore:8), AVD-DS-0002 (.trivyignore:11), generic-unwanted-rule (.trivyignore:14), ' +
        'aws-account-id (.trivyignore:15). Say why each is accepted with `statement` in a .trivyignore.yaml',
      '5 exceptions have no expiry date: CVE-2018-14618 (.trivyignore:2), CVE-2019-1543 (.trivyignore:8), ' +
        'AVD-DS-0002 (.trivyignore:11), generic-unwanted-rule (.trivyignore:14), aws-account-id (.trivyignore:15). ' +
        'They apply forever; set `exp:YYYY-MM-DD` or `expired_at`',
    ])
  })

  test('a long list is cut after ten names', () => {
    const many = Array.from({ length: 13 }, (_, n) => exception({ id: `CVE-2024-${n}`, expiresOn: '2030-01-01' }))
    const [warning] = checkExceptions(many, { strict: false })
    expect(warning).toMatch(/^13 exceptions have no statement: .*CVE-2024-9 \(.*\) and 3 more\./)
  })

  test('complete exceptions raise nothing, in either mode', () => {
    const complete = [exception({ statement: 'Not reachable', expiresOn: '2030-01-01' })]
    expect(checkExceptions(complete, { strict: false })).toEqual([])
    expect(checkExceptions(complete, { strict: true })).toEqual([])
    expect(checkExceptions([], { strict: true })).toEqual([])
  })

  test('a blank statement counts as none', () => {
    const [warning] = checkExceptions([exception({ statement: '  ', expiresOn: '2030-01-01' })], { strict: false })
    expect(warning).toMatch(/^1 exception has no statement: CVE-2024-0001/)
  })

  test.each([
    ['no statement', { expiresOn: '2030-01-01' }, /no statement: CVE-2024-0001 \(.trivyignore.yaml:2\)/],
    ['no expiry', { statement: 'Accepted' }, /no expiry date: CVE-2024-0001/],
  ])('strict: %s is an input error naming ignore-file and strict-exceptions', (_, fields, gap) => {
    const check = () => checkExceptions([exception(fields)], { strict: true })
    expect(check).toThrow(InputError)
    expect(check).toThrow(/`ignore-file` .*`strict-exceptions` is on/)
    expect(check).toThrow(gap)
    try {
      check()
    } catch (error) {
      expect((error as InputError).input).toBe('ignore-file')
      expect((error as InputError).value).toBe('.trivyignore.yaml:2')
    }
  })
})

describe('isExpired: the expiry date is the last day the exception applies (UTC)', () => {
  test.each([
    ['yesterday', '2025-06-14', true],
    ['today', '2025-06-15', false],
    ['tomorrow', '2025-06-16', false],
    ['last year', '2024-12-31', true],
    ['next year', '2026-01-01', false],
  ])('expiring %s (%s), held on 2025-06-15: expired %s', (_, expiresOn, expired) => {
    expect(isExpired(exception({ expiresOn }), '2025-06-15')).toBe(expired)
  })

  test('without an expiry date it never expires', () => {
    expect(isExpired(exception(), '9999-12-31')).toBe(false)
  })
})

describe('matches', () => {
  test('by ID alone when the exception names no paths or purls', () => {
    expect(matches(exception(), finding())).toBe(true)
    expect(matches(exception({ id: 'CVE-2024-0002' }), finding())).toBe(false)
    expect(matches(exception({ id: 'cve-2024-0001' }), finding())).toBe(false)
  })

  describe('paths: a glob against the target or the package path, as Trivy tries both', () => {
    const spring = findingIn('spring4shell-jre11.json.golden', 'CVE-2022-22965')
    const npm = findingIn('npm-with-suppressed.json.golden', 'CVE-2017-20165')
    test.each([
      ['the jar by its package path', spring, '**/WEB-INF/lib/spring-beans-*.jar', true],
      ['the war it sits in', spring, 'usr/local/tomcat/webapps/helloworld.war/**', true],
      ['the result target', spring, 'Java', true],
      ['another jar', spring, '**/spring-core-*.jar', false],
      ['a lock file at the root, ** matching no folder', npm, '**/*-lock.json', true],
      ['a lock file by its exact name', npm, 'package-lock.json', true],
      ['a lock file in another folder', npm, 'app/package-lock.json', false],
    ])('%s', (_, found, pattern, expected) => {
      expect(matches(exception({ id: found.id, paths: [pattern] }), found)).toBe(expected)
    })

    test('any one of several paths is enough', () => {
      expect(matches(exception({ id: npm.id, paths: ['nope', 'package-lock.json'] }), npm)).toBe(true)
    })
  })

  describe('purls: the finding PURL satisfies one constraint', () => {
    const distribution = findingIn('gomod.json.golden', 'GMS-2022-20')
    const bash = findingIn('debian-buster.json.golden', 'CVE-2019-18276')
    test.each([
      ['no version in the constraint: any version', distribution, 'pkg:golang/github.com/docker/distribution', true],
      [
        'the same version (a + written plainly or as %2B)',
        distribution,
        'pkg:golang/github.com/docker/distribution@v2.7.1+incompatible',
        true,
      ],
      ['another version', distribution, 'pkg:golang/github.com/docker/distribution@v2.8.0', false],
      ['another name', distribution, 'pkg:golang/github.com/docker/docker', false],
      ['a qualifier the finding has', bash, 'pkg:deb/debian/bash?distro=debian-10.1', true],
      ['a qualifier with another value', bash, 'pkg:deb/debian/bash?distro=debian-11', false],
      ['another type', bash, 'pkg:rpm/debian/bash', false],
    ])('%s', (_, found, purl, expected) => {
      expect(matches(exception({ id: found.id, purls: [purl] }), found)).toBe(expected)
    })

    test('a finding without a PURL is not covered by an exception limited to purls (Trivy would cover it)', () => {
      const legacy = findingIn('historical/v0.18.3/alpine-310.json.golden', 'CVE-2019-1549')
      expect(legacy.purl).toBeUndefined()
      expect(matches(exception({ id: legacy.id, purls: ['pkg:apk/alpine/libssl1.1'] }), legacy)).toBe(false)
    })
  })

  test('paths and purls together must both match', () => {
    const npm = findingIn('npm-with-suppressed.json.golden', 'CVE-2017-20165')
    const both = { id: npm.id, paths: ['package-lock.json'], purls: ['pkg:npm/debug'] }
    expect(matches(exception(both), npm)).toBe(true)
    expect(matches(exception({ ...both, paths: ['yarn.lock'] }), npm)).toBe(false)
    expect(matches(exception({ ...both, purls: ['pkg:npm/ms'] }), npm)).toBe(false)
  })

  test('the docs example: CVE-2023-3817 limited to pkg:deb/debian/libssl1.1', () => {
    const { exceptions } = parseIgnoreFile(readIgnoreFixture('trivy-docs.trivyignore.yaml'), '.trivyignore.yaml')
    const libssl = exceptions.find((one) => one.id === 'CVE-2023-3817')!
    const purl = 'pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u4?arch=amd64&distro=debian-11.7'
    expect(matches(libssl, finding({ id: 'CVE-2023-3817', purl }))).toBe(true)
    expect(matches(libssl, finding({ id: 'CVE-2023-3817', purl: 'pkg:deb/debian/openssl@3.0.11' }))).toBe(false)
  })
})
