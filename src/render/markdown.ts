// Markdown and HTML building blocks for text a scanner wrote: every character that could open a tag, a link, an
// emphasis or a table cell becomes an HTML entity, which GitHub decodes in Markdown and in HTML blocks alike.

// Line and paragraph breaks, other control characters, zero-width and bidirectional controls (which can make text
// read differently from what it is) all become a plain space.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const UNSAFE_SPACE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g
// HTML's five, and what GitHub's Markdown gives a meaning inside a line: table cells, code, emphasis, links and
// images, escapes, strikethrough, math, mentions and references.
const SPECIAL = /[&<>"'|`*_[\]\\~$@#]/g
const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

function entity(character: string): string {
  return NAMED[character] ?? `&#${character.charCodeAt(0)};`
}

/** Cuts to at most `maxChars` code points, ending with … when cut; never splits a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  let end = 0
  let count = 0
  while (end < text.length && count < maxChars - 1) {
    end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1
    count += 1
  }
  return end >= text.length ? text : `${text.slice(0, end).trimEnd()}…`
}

/** One line of plain text, whitespace collapsed: what a table cell or a heading may hold. */
export function singleLine(text: string, maxChars: number): string {
  // Cleaning a megabyte title costs as much as cleaning the part that can show, plus a margin for collapsed spaces.
  const head = text.length > maxChars * 4 ? text.slice(0, maxChars * 4) : text
  return truncate(head.replace(UNSAFE_SPACE, ' ').replace(/\s+/g, ' ').trim(), maxChars)
}

// GitHub's autolinker turns `scheme://…` and `www.…` in plain text into links (GFM's extended autolinks), so a URL
// in a finding's title or description would become a link the scanner's data chose. A zero-width space after the
// scheme's `:` and after `www` leaves the text as it reads but gives the autolinker nothing to match.
const AUTOLINK = /(:)(?=\/\/)|\b(www)(?=\.)/gi
const ZERO_WIDTH_SPACE = '&#8203;'

/**
 * Scanner text made inert for Markdown and HTML: one line, at most `maxChars`, every special character an entity,
 * and no bare URL that GitHub would link.
 */
export function escapeText(text: string, maxChars = 300): string {
  return singleLine(text, maxChars)
    .replace(SPECIAL, entity)
    .replace(AUTOLINK, (match) => `${match}${ZERO_WIDTH_SPACE}`)
}

/** Inline code for untrusted text (`<code>`, not backticks, so that entities still decode). */
export function code(text: string, maxChars = 300): string {
  return `<code>${escapeText(text, maxChars)}</code>`
}

// Characters that would end a Markdown link destination or a table cell; WHATWG URLs leave them as they are.
const URL_UNSAFE = /[()[\]|<>"'`\\\s*_~]/g
const MAX_URL = 2000

/** The URL, normalized (WHATWG), when it is http(s) without credentials and of sane length; otherwise undefined. */
export function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.length > MAX_URL) return undefined
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  if (parsed.username !== '' || parsed.password !== '') return undefined
  return parsed.href
}

/** An http(s) URL fit to be a Markdown link destination inside a table cell; otherwise undefined. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  return httpUrl(url)?.replace(URL_UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** `[text](url)` when the URL is a safe http(s) one, else the escaped text alone. */
export function link(text: string, url: string | undefined, maxChars = 100): string {
  return markdownLink(escapeText(text, maxChars), safeHttpUrl(url))
}

/** `[label](href)` from a label already escaped and an href from safeHttpUrl; the label alone without an href. */
export function markdownLink(label: string, href: string | undefined): string {
  return href === undefined || label === '' ? label : `[${label}](${href})`
}

/** A table row from cells that are already escaped. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** The header and delimiter rows of a table. */
export function tableHeader(headings: readonly string[]): string {
  return `${tableRow(headings)}\n|${headings.map(() => '---').join('|')}|`
}

/** A fenced code block that no backtick run inside `content` can close. */
export function codeBlock(content: string, language = ''): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}${language}\n${content}\n${fence}`
}

/** Byte length as GitHub measures the summary: UTF-8. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text
  const cut = Buffer.from(text, 'utf8').subarray(0, Math.max(0, maxBytes)).toString('utf8')
  // A character cut in half decodes as U+FFFD (3 bytes, maybe more than what it replaced): drop it.
  return cut.endsWith('\ufffd') ? cut.slice(0, -1) : cut
}

/** 98765 → `98,765`. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * vouch's own prose, which marks input names and values with backticks (`` `timeout: 20m` ``): escaped like scanner
 * text, with each backtick pair shown as <code>. Unpaired backticks stay literal.
 */
export function proseWithCode(text: string, maxChars = 2000): string {
  const line = singleLine(text, maxChars)
  const parts = line.split('`')
  if (parts.length % 2 === 0) return escapeText(line, maxChars)
  return parts
    .map((part, index) => (index % 2 === 1 && part !== '' ? code(part, maxChars) : part.replace(SPECIAL, entity)))
    .join('')
}

/**
 * Hard-wraps text for a code block at `width` characters, at a space where there is one: GitHub scrolls a code block
 * sideways instead of wrapping it, which hides the end of a long error line. Tabs become two spaces.
 */
export function wrapLines(text: string, width: number): string {
  return text
    .replace(/\t/g, '  ')
    .split('\n')
    .flatMap((line) => {
      const pieces: string[] = []
      let rest = line.trimEnd()
      while (rest.length > width) {
        const space = rest.lastIndexOf(' ', width)
        let cut = space > 0 ? space : width
        // Never between the two halves of a surrogate pair.
        if (cut > 1 && /[\ud800-\udbff]/.test(rest.charAt(cut - 1))) cut -= 1
        pieces.push(rest.slice(0, cut).trimEnd())
        rest = rest.slice(cut).trimStart()
      }
      pieces.push(rest)
      return pieces
    })
    .join('\n')
}
