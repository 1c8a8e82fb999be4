// The two pattern languages of Trivy's ignore files: doublestar path globs (`paths`) and package URLs (`purls`),
// matched the way Trivy matches them (bmatcuk/doublestar, Trivy's PackageURL.Match).

const compiled = new Map<string, RegExp | null>()

/**
 * A doublestar glob as a RegExp, or undefined when the pattern is not valid. `*` and `?` stay within one path
 * segment, `**` as a whole segment spans any number of them (none included), `[...]`/`[!...]` are classes,
 * `{a,b}` alternatives, `\` escapes.
 */
export function globToRegExp(pattern: string): RegExp | undefined {
  if (!compiled.has(pattern)) compiled.set(pattern, compile(pattern) ?? null)
  return compiled.get(pattern) ?? undefined
}

export function matchesGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern)?.test(path) ?? false
}

function compile(pattern: string): RegExp | undefined {
  let source = ''
  let braces = 0
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i)
    const segmentStart = i === 0 || pattern.charAt(i - 1) === '/'
    if (char === '*' && pattern.charAt(i + 1) === '*' && segmentStart && /^(\/|$)/.test(pattern.slice(i + 2, i + 3))) {
      if (i + 2 === pattern.length) {
        // `a/**` also matches `a` itself (drop the `/` just written); a lone `**` matches everything.
        source = i === 0 ? '.*' : `${source.slice(0, -1)}(?:/.*)?`
        i += 1
      } else {
        source += '(?:.*/)?'
        i += 2
      }
    } else if (char === '*') {
      source += '[^/]*'
      while (pattern.charAt(i + 1) === '*') i++
    } else if (char === '?') {
      source += '[^/]'
    } else if (char === '[') {
      const end = classEnd(pattern, i)
      if (end < 0) return undefined
      let body = pattern.slice(i + 1, end)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      source += `(?!/)[${negated ? '^' : ''}${classBody(body)}]`
      i = end
    } else if (char === '{') {
      braces++
      source += '(?:'
    } else if (char === '}' && braces > 0) {
      braces--
      source += ')'
    } else if (char === ',' && braces > 0) {
      source += '|'
    } else if (char === '\\') {
      if (i + 1 >= pattern.length) return undefined
      i++
      source += escapeRegExp(pattern.charAt(i))
    } else {
      source += escapeRegExp(char)
    }
  }
  if (braces > 0) return undefined
  try {
    return new RegExp(`^${source}$`)
  } catch {
    return undefined // e.g. a class range out of order, [z-a]
  }
}

/** Index of the `]` closing the class opened at `start`; a `]` right after `[` or `[!` is a member. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1
  if (pattern.charAt(i) === '!' || pattern.charAt(i) === '^') i++
  if (pattern.charAt(i) === ']') i++
  for (; i < pattern.length; i++) {
    if (pattern.charAt(i) === '\\') i++
    else if (pattern.charAt(i) === ']') return i
  }
  return -1
}

/** A glob class body in RegExp class syntax: glob escapes resolved, RegExp's own specials escaped, ranges kept. */
function classBody(body: string): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const escaped = body.charAt(i) === '\\'
    if (escaped) i++
    const char = body.charAt(i)
    // An unescaped `-` is a range; anything RegExp treats specially inside a class is taken literally.
    out += char === '-' && !escaped ? '-' : /[\\\]^-]/.test(char) ? `\\${char}` : char
  }
  return out
}

function escapeRegExp(char: string): string {
  return /[.*+?^${}()|[\]\\]/.test(char) ? `\\${char}` : char
}

/** A package URL split into its parts, decoded: `pkg:type/namespace/name@version?qualifiers#subpath`. */
export interface PackageUrl {
  type: string
  namespace: string
  name: string
  version: string
  qualifiers: Record<string, string>
  subpath: string
}

export function parsePurl(text: string): PackageUrl | undefined {
  const match = /^pkg:\/*([^#?]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(text.trim())
  if (!match) return undefined
  const [, path = '', query = '', fragment = ''] = match
  try {
    const at = path.lastIndexOf('@')
    const version = at >= 0 ? decodeURIComponent(path.slice(at + 1)) : ''
    const segments = (at >= 0 ? path.slice(0, at) : path).split('/').filter((segment) => segment !== '')
    const type = segments.shift()?.toLowerCase() ?? ''
    let name = decodeURIComponent(segments.pop() ?? '')
    if (!/^[a-z.+-][a-z0-9.+-]*$/.test(type) || name === '') return undefined
    // PyPI names are case-insensitive and treat `_` as `-` (purl spec); Trivy writes them normalized.
    if (type === 'pypi') name = name.toLowerCase().replaceAll('_', '-')
    const qualifiers: Record<string, string> = {}
    for (const pair of query.split('&')) {
      const equals = pair.indexOf('=')
      if (equals <= 0) continue
      const value = decodeURIComponent(pair.slice(equals + 1))
      if (value !== '') qualifiers[pair.slice(0, equals).toLowerCase()] = value
    }
    const subpath = fragment
      .split('/')
      .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
      .map(decodeURIComponent)
      .join('/')
    return { type, namespace: segments.map(decodeURIComponent).join('/'), name, version, qualifiers, subpath }
  } catch {
    return undefined // a malformed %-escape
  }
}

/**
 * Whether `target` satisfies the constraint, as Trivy's PackageURL.Match decides: same type, namespace and name;
 * the same version and subpath when the constraint names them; every qualifier of the constraint present and equal.
 */
export function purlMatches(constraint: PackageUrl, target: PackageUrl): boolean {
  if (constraint.type !== target.type || constraint.namespace !== target.namespace) return false
  if (constraint.name !== target.name) return false
  if (constraint.version !== '' && constraint.version !== target.version) return false
  if (constraint.subpath !== '' && constraint.subpath !== target.subpath) return false
  return Object.entries(constraint.qualifiers).every(([key, value]) => target.qualifiers[key] === value)
}
