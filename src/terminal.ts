// What the runner does with a step's stdout, done for a terminal: workflow commands (`::group::`, `::debug::`,
// `::warning::`, ...) become readable lines, and the HTML entities the summary uses against Markdown injection
// become the characters they stand for. Pure: text in, text out.

/** The runner's escaping of command data (@actions/core `escapeData`), undone. */
function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/** `file=src/x.ts,line=3` -> ` (src/x.ts:3)`, for a warning or error that names a place. */
function where(properties: string): string {
  const values = new Map(
    properties
      .split(',')
      .map((pair) => pair.split('=', 2) as [string, string | undefined])
      .map(([key, value]) => [
        key.trim(),
        unescapeData(value ?? '')
          .replace(/%3A/gi, ':')
          .replace(/%2C/gi, ','),
      ]),
  )
  const file = values.get('file')
  if (file === undefined || file === '') return ''
  const line = values.get('line')
  return ` (${file}${line ? `:${line}` : ''})`
}

/**
 * One line of the step's stdout as a terminal shows it, or undefined for a line that shows nothing: a closing
 * group, a debug line without `debug`, and commands meant only for the runner (`add-mask` carries the secret
 * itself, so it must never be printed).
 */
export function renderCommandLine(line: string, debug: boolean): string | undefined {
  const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line)
  if (match === null) return line
  const [, command = '', properties = '', data = ''] = match
  const message = unescapeData(data)
  switch (command) {
    case 'group':
      return `\n== ${message} ==`
    case 'endgroup':
      return undefined
    case 'debug':
      return debug ? `debug: ${message}` : undefined
    case 'notice':
    case 'warning':
    case 'error':
      return `${command}${where(properties)}: ${message}`
    default:
      // add-mask, set-output, save-state, stop-commands, echo, add-matcher ...: the runner's business.
      return undefined
  }
}

/** Renders whole lines as they arrive; a partial last line waits for the rest of it. */
export function commandLineFilter(debug: boolean): { push(chunk: string): string; flush(): string } {
  let pending = ''
  const render = (lines: string[]): string =>
    lines
      .map((line) => renderCommandLine(line, debug))
      .filter((line): line is string => line !== undefined)
      .map((line) => `${line}\n`)
      .join('')
  return {
    push(chunk) {
      const lines = (pending + chunk).split('\n')
      pending = lines.pop() ?? ''
      return render(lines)
    },
    flush() {
      const rest = pending
      pending = ''
      return rest === '' ? '' : render([rest])
    },
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/** `&#64;` -> `@`, `&lt;` -> `<`: the summary's escapes, for a reader of plain text. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(parseInt(body.slice(2), 16))
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10))
    return NAMED[body.toLowerCase()] ?? whole
  })
}

/** The closest of `candidates` to a mistyped `name`, when it is close enough to be what was meant. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate)
    if (best === undefined || distance < best.distance) best = { candidate, distance }
  }
  if (best === undefined) return undefined
  return best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined
}

/** Levenshtein distance with adjacent transpositions counted as one edit (`hihg` is one edit from `high`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[]
      const previous = rows[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number
}
