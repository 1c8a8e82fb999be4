import { marked } from 'marked'
import { describe, expect, test } from 'vitest'
import { advisoryUrl, reasonText, versionChange } from '../../src/render/findings.js'
import {
  codeBlock,
  escapeText,
  formatCount,
  link,
  safeHttpUrl,
  singleLine,
  truncate,
  truncateBytes,
} from '../../src/render/markdown.js'
import { exception, finding } from './builders.js'

describe('escapeText', () => {
  test.each([
    ['plain words', 'plain words'],
    ['a | b', 'a &#124; b'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['[x](javascript:alert(1))', '&#91;x&#93;(javascript:alert(1))'],
    ['`code` *em* _em_ ~~s~~', '&#96;code&#96; &#42;em&#42; &#95;em&#95; &#126;&#126;s&#126;&#126;'],
    ['a & b "q" \'s\'', 'a &amp; b &quot;q&quot; &#39;s&#39;'],
    ['$x$ @team #12 \\', '&#36;x&#36; &#64;team &#35;12 &#92;'],
    ['line\nbreak\r\nand\ttab', 'line break and tab'],
    ['  spaced   out  ', 'spaced out'],
    ['rtl \u202eexe.txt', 'rtl exe.txt'],
  ])('%j -> %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped)
  })

  test.each([
    'Fixed in https://evil.example/upgrade, see http://x.example',
    'mirror at ftp://files.example/pub and WWW.evil.example/a',
    'docs: www.evil.example',
  ])('a bare URL in scanner text is not linked by GFM: %j', (text) => {
    const html = marked.parse(`| title |\n|---|\n| ${escapeText(text)} |`, { gfm: true, async: false })
    expect(html).not.toMatch(/<a\b/)
    // The text still reads the same once the zero-width spaces are taken out.
    expect(
      html
        .replace(/<[^>]+>/g, '')
        .replace(/\u200b/g, '')
        .trim(),
    ).toContain(text.split(' ').at(-1))
  })

  test('cuts long text before escaping, so an entity is never split', () => {
    expect(escapeText('<'.repeat(1_000), 5)).toBe('&lt;&lt;&lt;&lt;…')
  })
})

describe('truncate', () => {
  test.each([
    ['short', 10, 'short'],
    ['exactly ten', 11, 'exactly ten'],
    ['a longer text', 5, 'a lo…'],
    ['😀😀😀😀😀😀', 3, '😀😀…'],
  ])('%j to %i -> %j', (text, max, cut) => {
    expect(truncate(text, max)).toBe(cut)
  })

  test('a huge string is cut without cleaning all of it', () => {
    expect(singleLine(`${'a '.repeat(500_000)}`, 7)).toBe('a a a…')
  })
})

describe('safeHttpUrl', () => {
  test.each([
    ['https://avd.aquasec.com/nvd/cve-2019-1549', 'https://avd.aquasec.com/nvd/cve-2019-1549'],
    ['http://example.com/a b', 'http://example.com/a%20b'],
    ['https://example.com/a)(b|c', 'https://example.com/a%29%28b%7Cc'],
    ['https://example.com/x_y*z~', 'https://example.com/x%5Fy%2Az%7E'],
    ['javascript:alert(1)', undefined],
    ['JAVASCRIPT:alert(1)', undefined],
    ['data:text/html,<b>', undefined],
    ['file:///etc/passwd', undefined],
    ['//example.com/x', undefined],
    ['not a url', undefined],
    ['https://user:secret@example.com/', undefined],
    [`https://example.com/${'a'.repeat(3_000)}`, undefined],
    [undefined, undefined],
  ])('%j -> %j', (url, safe) => {
    expect(safeHttpUrl(url)).toBe(safe)
  })
})

describe('link', () => {
  test('links only http(s), and escapes the text', () => {
    expect(link('CVE-1 | x', 'https://example.com/')).toBe('[CVE-1 &#124; x](https://example.com/)')
    expect(link('CVE-1', 'javascript:alert(1)')).toBe('CVE-1')
    expect(link('CVE-1', undefined)).toBe('CVE-1')
  })
})

describe('codeBlock', () => {
  test.each([
    ['plain', '```sh\nplain\n```'],
    ['has ``` inside', '````sh\nhas ``` inside\n````'],
    ['has ````` inside', '``````sh\nhas ````` inside\n``````'],
  ])('%j', (content, block) => {
    expect(codeBlock(content, 'sh')).toBe(block)
  })
})

describe('truncateBytes', () => {
  test.each([
    ['abc', 10, 'abc'],
    ['abcdef', 3, 'abc'],
    ['ééé', 3, 'é'],
    ['😀😀', 6, '😀'],
    ['😀', 2, ''],
  ])('%j to %i bytes -> %j', (text, max, cut) => {
    expect(truncateBytes(text, max)).toBe(cut)
    expect(Buffer.byteLength(truncateBytes(text, max))).toBeLessThanOrEqual(max)
  })
})

test.each([
  [0, '0'],
  [999, '999'],
  [1_000, '1,000'],
  [98_765, '98,765'],
  [1_234_567, '1,234,567'],
])('formatCount(%i) = %s', (count, text) => {
  expect(formatCount(count)).toBe(text)
})

describe('advisoryUrl', () => {
  test.each([
    [
      { id: 'CVE-2019-1549', primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-1549' },
      'https://avd.aquasec.com/nvd/cve-2019-1549',
    ],
    [{ id: 'CVE-2019-1549', primaryUrl: 'https://example.com/advisory' }, 'https://example.com/advisory'],
    [{ id: 'CVE-2019-1549' }, 'https://avd.aquasec.com/nvd/cve-2019-1549'],
    [{ id: 'CVE-2019-1549', primaryUrl: 'javascript:alert(1)' }, 'https://avd.aquasec.com/nvd/cve-2019-1549'],
    [{ id: 'GHSA-2h3g-pc7q-5xv7' }, 'https://github.com/advisories/GHSA-2h3g-pc7q-5xv7'],
    [{ id: 'ghsa-2h3g-pc7q-5xv7' }, 'https://github.com/advisories/GHSA-2h3g-pc7q-5xv7'],
    [{ id: 'TEMP-0841856-B18BAF' }, undefined],
    [{ id: 'DLA-2109-1' }, undefined],
    [{ id: 'CVE-../../x' }, undefined],
  ])('%j -> %s', (item, url) => {
    expect(advisoryUrl(item)).toBe(url)
  })
})

describe('reasonText', () => {
  test.each([
    [
      { kind: 'exception', exception: exception() },
      'exception (.trivyignore.yaml:3, until 2026-12-31): fork() is never called after the RNG is seeded',
    ],
    [
      { kind: 'exception', exception: exception({ statement: undefined, expiresOn: undefined }) },
      'exception (.trivyignore.yaml:3, no expiry date): no statement',
    ],
    [{ kind: 'unfixed' }, 'no fixed version yet (ignore-unfixed)'],
    [{ kind: 'not_affected' }, 'Trivy reports it not_affected'],
    [
      { kind: 'vex', statement: 'component_not_present', source: 'vex.openvex.json' },
      'VEX (vex.openvex.json): component_not_present',
    ],
    [{ kind: 'vex' }, 'VEX: not affected'],
  ] as const)('%j', (reason, text) => {
    expect(reasonText(reason)).toBe(text)
  })
})

test.each([
  [finding(), '1.1.1c-r0 → 1.1.1d-r0'],
  [finding({ fixedVersion: undefined, status: 'affected' }), '1.1.1c-r0 → no fix'],
  [finding({ fixedVersion: undefined, status: 'will_not_fix' }), '1.1.1c-r0 → no fix (will_not_fix)'],
  [finding({ fixedVersion: undefined, status: undefined }), '1.1.1c-r0 → no fix'],
])('versionChange %#', (item, text) => {
  expect(versionChange(item)).toBe(text)
})
