// Says where a text stops being JSON, so a broken Trivy report can be fixed or reported with a line and column.
// JSON.parse names a position only for some errors; this scanner finds it for all of them.

export interface JsonErrorPlace {
  /** 1-based line and column of the first character that cannot be JSON, or of the end of the text. */
  line: number
  column: number
  /** What was found there, quoted, or `end of text`. */
  found: string
}

const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y
const ESCAPES = '"\\/bfnrt'
const HEX4 = /[0-9a-fA-F]{4}/y

/** Where the first JSON syntax error in `text` is; undefined when the text is JSON. */
export function findJsonError(text: string): JsonErrorPlace | undefined {
  const offset = errorOffset(text)
  if (offset < 0) return undefined
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - (before.lastIndexOf('\n') + 1) + 1
  const found = offset >= text.length ? 'end of text' : JSON.stringify(text.slice(offset, offset + 16))
  return { line, column, found }
}

// Iterative, so that deeply nested input cannot overflow the stack. Returns -1 when the text is JSON.
function errorOffset(text: string): number {
  let i = 0
  const open: string[] = []
  let expectValue = true

  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++
  }
  const readString = (): boolean => {
    i++ // the opening quote
    while (i < text.length) {
      const code = text.charCodeAt(i)
      if (code === 0x22) {
        i++
        return true
      }
      if (code < 0x20) return false
      if (code !== 0x5c) {
        i++
        continue
      }
      const escape = text.charAt(i + 1)
      if (escape === 'u') {
        HEX4.lastIndex = i + 2
        if (!HEX4.test(text)) return false
        i += 6
      } else if (escape !== '' && ESCAPES.includes(escape)) {
        i += 2
      } else {
        return false
      }
    }
    return false
  }
  // After `{` or `,` inside an object: a key and its colon.
  const readKey = (): boolean => {
    skipSpace()
    if (text.charAt(i) !== '"' || !readString()) return false
    skipSpace()
    if (text.charAt(i) !== ':') return false
    i++
    return true
  }

  for (;;) {
    skipSpace()
    const char = text.charAt(i)
    if (expectValue) {
      if (char === '{' || char === '[') {
        open.push(char)
        i++
        skipSpace()
        if (text.charAt(i) === (char === '{' ? '}' : ']')) {
          i++
          open.pop()
          expectValue = false
        } else if (char === '{' && !readKey()) {
          return i
        }
        continue
      }
      if (char === '"') {
        if (!readString()) return i
        expectValue = false
        continue
      }
      SCALAR.lastIndex = i
      const match = SCALAR.exec(text)
      if (!match) return i
      i += match[0].length
      expectValue = false
      continue
    }
    const innermost = open.at(-1)
    if (innermost === undefined) return i < text.length ? i : -1
    if (char === ',') {
      i++
      if (innermost === '{' && !readKey()) return i
      expectValue = true
    } else if (char === (innermost === '{' ? '}' : ']')) {
      i++
      open.pop()
    } else {
      return i
    }
  }
}
