// Scanner text is untrusted: whatever a title, package or advisory URL holds, the summary must not gain HTML tags,
// links to anything but http(s), or broken table rows.
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { renderSummary } from '../../src/render/summary.js'
import type { Verdict } from '../../src/report/verdict.js'
import { budgets, exception, finding, gateOf, IMAGE, NOW, verdictOf } from './builders.js'

const HOSTILE = [
  'a | b | c',
  'pipes at the end |',
  '```js\nalert(1)\n``` and `inline`',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '![img](https://evil.example/x.png)',
  'line one\nline two\r\n| --- | --- |\n# heading\n- item',
  '**bold** _italic_ ~~struck~~ $x^2$ @admin #1 \\| &amp; &lt;b&gt;',
  '</details></summary></code><details open>',
  'bidi \u202etxt.exe\u202c and zero\u200bwidth and nul\u0000',
  'A'.repeat(10_000),
  '😀'.repeat(5_000),
]

function hostileFinding(text: string, index: number) {
  return finding({
    id: `CVE-2024-${1000 + index}${index % 3 === 0 ? text.slice(0, 20) : ''}`,
    pkgName: text,
    installedVersion: text,
    fixedVersion: index % 2 === 0 ? text : undefined,
    fixable: index % 2 === 0,
    title: text,
    primaryUrl: index % 2 === 0 ? text : `https://evil.example/a)(b|c <d> "e" \`f\`?q=${encodeURIComponent(text)}`,
    pkgPath: index % 4 === 0 ? text : undefined,
    platforms: [text, 'linux/arm64'],
    severity: index % 2 === 0 ? 'CRITICAL' : 'LOW',
  })
}

function hostileVerdict(texts: readonly string[]): Verdict {
  const counted = texts.map(hostileFinding)
  const ignored = texts.map((text, index) => ({
    finding: hostileFinding(text, index + 1),
    reason:
      index % 2 === 0
        ? {
            kind: 'exception' as const,
            exception: exception({ id: text, statement: text, source: text, expiresOn: text }),
          }
        : { kind: 'vex' as const, statement: text, source: text },
  }))
  const expired = texts.map((text) => exception({ id: text, statement: text, source: text, expiresOn: text }))
  return verdictOf(gateOf(counted, { budgets: budgets(), ignored, expiredExceptions: expired }))
}

function render(verdict: Verdict, text = 'x'): string {
  return renderSummary({
    verdict,
    image: IMAGE,
    platforms: ['linux/amd64', text],
    trivyVersion: text,
    dbUpdatedAt: text,
    now: NOW,
    enforce: true,
    annotationKey: 'security.example.com/scan-status',
    signing: { signed: false, attested: false, skippedReason: text, verifyCommand: text },
    reportPaths: { json: `/tmp/${text}.json`, sarif: `/tmp/${text}.sarif` },
  })
}

/** The summary outside fenced code blocks, whose content is shown as it is and never interpreted. */
function outsideCodeBlocks(summary: string): string {
  const lines = summary.split('\n')
  const kept: string[] = []
  let fence: string | undefined
  for (const line of lines) {
    const opening = /^(`{3,})/.exec(line)?.[1]
    if (fence === undefined && opening !== undefined) fence = opening
    else if (fence !== undefined && line === fence) fence = undefined
    else if (fence === undefined) kept.push(line)
  }
  expect(fence).toBeUndefined()
  return kept.join('\n')
}

const ALLOWED_TAGS = /<\/?(?:code|details|summary)>|<br>/g

function expectInert(summary: string): void {
  const markup = outsideCodeBlocks(summary)
  // Only the renderer's own tags: nothing from the scanner can open one.
  expect(markup.replace(ALLOWED_TAGS, '')).not.toContain('<')
  // Every link goes to an http(s) URL.
  for (const [, target] of markup.matchAll(/\]\(([^)]*)\)/g)) expect(target).toMatch(/^https?:\/\/\S+$/)
  // Table rows keep their shape: as many cell separators as the header row of their table.
  let columns = 0
  for (const line of markup.split('\n')) {
    if (!line.startsWith('|')) {
      columns = 0
      continue
    }
    const pipes = line.split('|').length - 1
    if (columns === 0) columns = pipes
    expect(pipes, line.slice(0, 200)).toBe(columns)
    expect(line.endsWith('|')).toBe(true)
    expect(line).not.toMatch(/[`*~$]/)
  }
}

describe('hostile scanner text', () => {
  test.each(HOSTILE.map((text, index) => [text.slice(0, 40), index] as const))('%j stays text', (_, index) => {
    const text = HOSTILE[index] as string
    const summary = render(hostileVerdict([text]), text)
    expectInert(summary)
    // Still there, as text: the finding's row was escaped, not dropped.
    expect(summary).toContain('CVE-2024-1000')
  })

  test('all at once, in every field', () => {
    const summary = render(hostileVerdict(HOSTILE))
    expectInert(summary)
    expect(summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(summary).toContain('a &#124; b &#124; c')
  })

  test('newlines in a title do not start a new row', () => {
    const summary = render(verdictOf(gateOf([finding({ title: 'one\ntwo\n| three' })])))
    expect(summary.split('\n').filter((line) => line.includes('one two &#124; three'))).toHaveLength(1)
  })

  test('a 10 000-character title is cut to a few hundred characters, with …', () => {
    const summary = render(hostileVerdict(['B'.repeat(10_000)]))
    const longest = Math.max(...summary.split('\n').map((line) => line.length))
    expect(longest).toBeLessThan(1_000)
    expect(summary).not.toMatch(/B{301}/)
    expect(summary).toMatch(/B{150,}…/)
  })

  test('an error cause cannot close its code block early', () => {
    const cause = 'trivy said:\n```\n</details><script>alert(1)</script>\n````\ndone'
    const summary = render({ status: 'error', cause, remedy: '<b>hi</b> | `x`' })
    expectInert(summary)
    expect(summary).toContain('`````text\ntrivy said:\n```\n</details><script>alert(1)</script>\n````\ndone\n`````')
    expect(summary).toContain('**What to do**: &lt;b&gt;hi&lt;/b&gt; &#124; <code>x</code>')
  })

  test('property: any text in any field stays inert', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { minLength: 1, maxLength: 4 }), (texts) => {
        expectInert(render(hostileVerdict(texts), texts[0]))
      }),
      { numRuns: 150 },
    )
  })
})
