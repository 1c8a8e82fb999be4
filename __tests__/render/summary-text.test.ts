// The text helpers that keep the summary readable on GitHub: vouch's own prose with input names as code, error
// output wrapped instead of scrolled, and the verify command laid out one flag per line.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { proseWithCode, wrapLines } from '../../src/render/markdown.js'
import { commandLines, shellWords } from '../../src/render/shell-lines.js'
import { whyIgnored } from '../../src/render/summary-tables.js'
import { exception } from './builders.js'

describe('proseWithCode', () => {
  test.each([
    [
      'Raise `timeout` (for example `timeout: 20m`).',
      'Raise <code>timeout</code> (for example <code>timeout: 20m</code>).',
    ],
    ['`sign` is false', '<code>sign</code> is false'],
    ['no code here', 'no code here'],
    ['one ` unpaired', 'one &#96; unpaired'],
    ['`<b>x</b>` and <i>', '<code>&lt;b&gt;x&lt;/b&gt;</code> and &lt;i&gt;'],
    ['a | `b | c`', 'a &#124; <code>b &#124; c</code>'],
  ])('%j', (text, expected) => {
    expect(proseWithCode(text)).toBe(expected)
  })
})

describe('wrapLines', () => {
  test('breaks at the last space that fits, and keeps short lines', () => {
    expect(wrapLines('aaa bbb ccc ddd', 8)).toBe('aaa bbb\nccc ddd')
    expect(wrapLines('short\nlines', 8)).toBe('short\nlines')
  })

  test('cuts a word longer than the width', () => {
    expect(wrapLines('abcdefghij', 4)).toBe('abcd\nefgh\nij')
  })

  test('tabs become two spaces', () => {
    expect(wrapLines('a\tb', 10)).toBe('a  b')
  })

  test('property: no line is longer than the width, and no non-space character is lost', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 2, max: 40 }), (text, width) => {
        const wrapped = wrapLines(text, width)
        for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(width)
        expect(wrapped.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''))
      }),
    )
  })
})

describe('commandLines', () => {
  const command =
    "cosign verify --key cosign.pub -a security.example.com/scan-status=passed -a 'x=a b' --new-bundle-format=false --allow-http-registry 127.0.0.1:5000/team/app@sha256:f1cb"

  test('one flag with its value per line, the image last', () => {
    expect(commandLines(command)).toBe(
      [
        'cosign verify \\',
        '  --key cosign.pub \\',
        '  -a security.example.com/scan-status=passed \\',
        "  -a 'x=a b' \\",
        '  --new-bundle-format=false \\',
        '  --allow-http-registry \\',
        '  127.0.0.1:5000/team/app@sha256:f1cb',
      ].join('\n'),
    )
  })

  test('the shell reads the same words', () => {
    expect(shellWords(commandLines(command).replace(/ \\\n {2}/g, ' '))).toEqual(shellWords(command))
  })

  test.each([
    ['a short command', 'cosign verify --key k img'],
    ['an open quote', `cosign verify --key 'k ${'x'.repeat(100)} img`],
    ['a shell operator', `cosign verify --key k ${'x'.repeat(100)} img; rm -rf /`],
  ])('%s comes back as it was', (_, text) => {
    expect(commandLines(text)).toBe(text)
  })
})

describe('whyIgnored', () => {
  test.each([
    [
      { kind: 'exception' as const, exception: exception() },
      'fork() is never called after the RNG is seeded (exception until 2026-12-31, <code>.trivyignore.yaml:3</code>)',
    ],
    [
      { kind: 'exception' as const, exception: exception({ statement: undefined, expiresOn: undefined }) },
      'No statement given (exception with no expiry date, <code>.trivyignore.yaml:3</code>)',
    ],
    [{ kind: 'unfixed' as const }, 'No fixed version yet (<code>ignore-unfixed</code>)'],
    [{ kind: 'not_affected' as const }, 'Trivy reports it as not affected'],
    [
      { kind: 'vex' as const, statement: 'component_not_present', source: 'vex.json' },
      'component&#95;not&#95;present (VEX, <code>vex.json</code>)',
    ],
    [{ kind: 'vex' as const }, 'not affected (VEX)'],
  ])('%j', (reason, expected) => {
    expect(whyIgnored(reason)).toBe(expected)
  })
})
