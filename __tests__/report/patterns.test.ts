// The pattern languages of ignore files: doublestar path globs and package URLs.
import { describe, expect, test } from 'vitest'
import { globToRegExp, matchesGlob, parsePurl, purlMatches } from '../../src/report/patterns.js'

describe('path globs (doublestar semantics, as Trivy uses them)', () => {
  test.each([
    ['*.jar', 'app.jar', true],
    ['*.jar', 'lib/app.jar', false],
    ['**/*.jar', 'app.jar', true],
    ['**/*.jar', 'usr/lib/x/app.jar', true],
    ['usr/**', 'usr', true],
    ['usr/**', 'usr/lib/libssl.so', true],
    ['usr/**', 'usrlocal/x', false],
    ['**', 'any/thing/at/all', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['a/**b', 'a/xb', true],
    ['a/**b', 'a/x/b', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file/.txt', false],
    ['[abc].txt', 'b.txt', true],
    ['[!abc].txt', 'd.txt', true],
    ['[!abc].txt', 'a.txt', false],
    ['[^abc].txt', 'a.txt', false],
    ['[a-c]x', 'bx', true],
    ['[]]', ']', true],
    ['[\\-]', '-', true],
    ['[a\\]]', ']', true],
    ['{foo,bar}.json', 'bar.json', true],
    ['{foo,bar}.json', 'baz.json', false],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['a.b', 'aXb', false],
    ['(x)+$', '(x)+$', true],
    ['go.mod', 'submod/go.mod', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(matchesGlob(pattern, path)).toBe(expected)
  })

  test.each([['[abc'], ['{a,b'], ['a\\'], ['[z-a]']])('%s is not a valid pattern', (pattern) => {
    expect(globToRegExp(pattern)).toBeUndefined()
    expect(matchesGlob(pattern, pattern)).toBe(false)
  })
})

describe('package URLs', () => {
  test.each([
    [
      'pkg:npm/%40babel/core@7.0.0',
      { type: 'npm', namespace: '@babel', name: 'core', version: '7.0.0', qualifiers: {}, subpath: '' },
    ],
    [
      'pkg:deb/debian/bash@5.0-4?arch=amd64&distro=debian-10.1',
      {
        type: 'deb',
        namespace: 'debian',
        name: 'bash',
        version: '5.0-4',
        qualifiers: { arch: 'amd64', distro: 'debian-10.1' },
        subpath: '',
      },
    ],
    [
      'pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible',
      {
        type: 'golang',
        namespace: 'github.com/docker',
        name: 'distribution',
        version: 'v2.7.1+incompatible',
        qualifiers: {},
        subpath: '',
      },
    ],
    [
      'PKG:Maven/org.springframework/spring-beans@5.3.15#sub/./path',
      {
        type: 'maven',
        namespace: 'org.springframework',
        name: 'spring-beans',
        version: '5.3.15',
        qualifiers: {},
        subpath: 'sub/path',
      },
    ],
    ['pkg:pypi/Django_Rest@1.0', { type: 'pypi', namespace: '', name: 'django-rest', version: '1.0' }],
  ])('%s', (text, parts) => {
    expect(parsePurl(text)).toMatchObject(parts)
  })

  test.each([['npm/lodash'], ['pkg:'], ['pkg:npm'], ['pkg:npm/'], ['pkg:npm/%E0%A4%A'], ['pkg:1bad/x']])(
    '%s is not a package URL',
    (text) => {
      expect(parsePurl(text)).toBeUndefined()
    },
  )

  test.each([
    ['pkg:npm/lodash', 'pkg:npm/lodash@4.17.4', true],
    ['pkg:npm/lodash@4.17.4', 'pkg:npm/lodash@4.17.21', false],
    ['pkg:npm/lodash#lib', 'pkg:npm/lodash@4.17.4', false],
    ['pkg:apk/alpine/musl?arch=x86_64', 'pkg:apk/alpine/musl@1.1.20-r4?arch=x86_64&distro=3.9.4', true],
    ['pkg:apk/alpine/musl?arch=aarch64', 'pkg:apk/alpine/musl@1.1.20-r4?arch=x86_64', false],
    ['pkg:apk/alpine/musl', 'pkg:apk/wolfi/musl@1.2.4', false],
  ])('%s covers %s: %s', (constraint, target, expected) => {
    expect(purlMatches(parsePurl(constraint)!, parsePurl(target)!)).toBe(expected)
  })
})
