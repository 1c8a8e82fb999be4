// Command-line parsing as cobra and pflag do it, for the stand-ins: a flag the table does not declare, or a value its
// type refuses, fails with the real message. Read from spf13/pflag v1.0.10 (the version cosign v3.0.6, v2.6.1 and
// trivy v0.74.0 build with): flag.go parseArgs / parseLongArg / parseSingleShortArg, errors.go (the messages),
// bool.go / int.go / duration.go / string.go / string_slice.go (the value types); Go's encoding/csv reader.go
// (what a string slice does with `,` and `"`), strconv.ParseBool / ParseInt, time.ParseDuration.
//
// A table maps a flag name to { type: 'bool' | 'string' | 'int' | 'duration' | 'stringSlice', shorthand?, default?,
// deprecated? }. parseFlags returns { values: Map(name -> value), changed: Set(name), positionals, notices } or throws
// a FlagError whose message is pflag's.

export class FlagError extends Error {}

/** Go's %q of a string (strconv.Quote), enough for the messages: escapes, control bytes as \x.., the rest as is. */
export function goQuote(text) {
  const named = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }
  let out = '"'
  for (const char of text) {
    if (char === '"' || char === '\\') out += `\\${char}`
    else if (named[char]) out += named[char]
    else if (char < ' ' || char === '\x7f') out += `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`
    else out += char
  }
  return `${out}"`
}

const BOOLS = { 1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false }
Object.assign(BOOLS, { FALSE: false, false: false, False: false })

const TYPES = {
  // strconv.ParseBool; a bare `--flag` means true (NoOptDefVal "true").
  bool(text) {
    if (Object.hasOwn(BOOLS, text)) return BOOLS[text]
    throw new FlagError(`strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`)
  },
  string: (text) => text,
  // strconv.ParseInt(s, 0, 64): a sign, then decimal, 0x, 0o / leading 0, or 0b, with `_` between digits.
  int(text) {
    const match = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO]?(?:_?[0-7])+|[1-9](?:_?[0-9])*|0)$/.exec(
      text,
    )
    if (match === null) throw new FlagError(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`)
    const digits = match[2].replaceAll('_', '')
    const value = /^0[0-7]/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits.replace(/^0[oO]/, '0o'))
    const signed = match[1] === '-' ? -value : value
    if (signed > 2n ** 63n - 1n || signed < -(2n ** 63n)) {
      throw new FlagError(`strconv.ParseInt: parsing ${goQuote(text)}: value out of range`)
    }
    return Number(signed)
  },
  duration: parseDuration,
  stringSlice: readCsvRecord,
}

const UNITS = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

// time/format.go quote(): only `"` and `\` escaped, every byte below a space or above 0x7f as \x.. (not strconv's).
function timeQuote(text) {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte)
    if (char === '"' || char === '\\') out += `\\${char}`
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`
    else out += char
  }
  return `${out}"`
}

/** time.ParseDuration, in milliseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or "0"; more than int64 nanoseconds is invalid. */
export function parseDuration(text) {
  const invalid = () => new FlagError(`time: invalid duration ${timeQuote(text)}`)
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw invalid()
  let total = 0
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)
    if (number[0] === '' || number[0] === '.') throw invalid()
    rest = rest.slice(number[0].length)
    // leadingInt's overflow comes before the unit is looked at.
    if (BigInt(number[1] || 0) > 2n ** 63n) throw invalid()
    const unit = /^[^\d.]*/.exec(rest)[0]
    if (unit === '') throw new FlagError(`time: missing unit in duration ${timeQuote(text)}`)
    if (!Object.hasOwn(UNITS, unit)) {
      throw new FlagError(`time: unknown unit ${timeQuote(unit)} in duration ${timeQuote(text)}`)
    }
    total += Number(number[0]) * UNITS[unit]
    if (total * 1e6 > 2 ** 63) throw invalid()
    rest = rest.slice(unit.length)
  }
  return sign * total
}

/**
 * One CSV record as pflag's readAsCSV reads it (csv.NewReader(...).Read(), default options): `,` separates fields,
 * a field that starts with `"` is quoted (`""` is a quote), a `"` anywhere else is an error, a line break ends the
 * record and whatever follows it is dropped. "" is no items; a value of only line breaks is io.EOF.
 */
export function readCsvRecord(text) {
  if (text === '') return []
  const lines = text.replaceAll('\r\n', '\n').split(/(?<=\n)/)
  let index = 0
  while (index < lines.length && lines[index] === '\n') index++
  if (index >= lines.length) throw new FlagError('EOF')
  const startLine = index + 1
  let line = lines[index].replace(/\r$/, '')
  let lineNumber = startLine
  let column = 1
  const fields = []
  const error = (at, message) => {
    const where = startLine === lineNumber ? '' : `record on line ${startLine}; `
    return new FlagError(`${where}parse error on line ${lineNumber}, column ${at}: ${message}`)
  }
  for (;;) {
    if (!line.startsWith('"')) {
      const comma = line.indexOf(',')
      const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, '')
      const quote = field.indexOf('"')
      if (quote >= 0) throw error(column + Buffer.byteLength(field.slice(0, quote)), 'bare " in non-quoted-field')
      fields.push(field)
      if (comma < 0) return fields
      column += Buffer.byteLength(line.slice(0, comma + 1))
      line = line.slice(comma + 1)
      continue
    }
    let field = ''
    line = line.slice(1)
    column += 1
    for (;;) {
      const quote = line.indexOf('"')
      if (quote >= 0) {
        field += line.slice(0, quote)
        column += Buffer.byteLength(line.slice(0, quote)) + 1
        line = line.slice(quote + 1)
        if (line.startsWith('"')) {
          field += '"'
          line = line.slice(1)
          column += 1
        } else if (line.startsWith(',')) {
          fields.push(field)
          line = line.slice(1)
          column += 1
          break
        } else if (line === '' || line === '\n') {
          fields.push(field)
          return fields
        } else {
          throw error(column - 1, 'extraneous or missing " in quoted-field')
        }
      } else if (line !== '') {
        field += line
        column += Buffer.byteLength(line)
        index++
        if (index >= lines.length) throw error(column, 'extraneous or missing " in quoted-field')
        line = lines[index].replace(/\r$/, '')
        lineNumber++
        column = 1
      } else {
        throw error(column, 'extraneous or missing " in quoted-field')
      }
    }
  }
}

/** pflag's parseArgs over `table`: interspersed flags and positionals, `--` ends the flags. */
export function parseFlags(argv, table) {
  const shorthands = new Map(
    Object.entries(table)
      .filter(([, flag]) => flag.shorthand)
      .map(([name, flag]) => [flag.shorthand, name]),
  )
  const values = new Map(Object.entries(table).map(([name, flag]) => [name, defaultOf(flag)]))
  const changed = new Set()
  const notices = []
  const positionals = []
  const set = (name, text) => {
    const flag = table[name]
    let value
    try {
      value = TYPES[flag.type](text)
    } catch (error) {
      if (!(error instanceof FlagError)) throw error
      const label = flag.shorthand ? `-${flag.shorthand}, --${name}` : `--${name}`
      throw new FlagError(`invalid argument ${goQuote(text)} for ${goQuote(label)} flag: ${error.message}`)
    }
    // A string slice's first Set replaces the default; every later one appends (string_slice.go Set).
    values.set(name, flag.type === 'stringSlice' && changed.has(name) ? [...values.get(name), ...value] : value)
    changed.add(name)
    if (flag.deprecated) notices.push(`Flag --${name} has been deprecated, ${flag.deprecated}`)
  }

  let args = [...argv]
  while (args.length > 0) {
    const arg = args.shift()
    if (arg.length < 2 || !arg.startsWith('-')) {
      positionals.push(arg)
    } else if (arg === '--') {
      positionals.push(...args)
      break
    } else if (arg.startsWith('--')) {
      args = longFlag(arg, args, table, set)
    } else {
      args = shortFlags(arg, args, table, shorthands, set)
    }
  }
  return { values, changed, positionals, notices }
}

function longFlag(arg, args, table, set) {
  const body = arg.slice(2)
  if (body === '' || body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${arg}`)
  const equals = body.indexOf('=')
  const name = equals < 0 ? body : body.slice(0, equals)
  if (!Object.hasOwn(table, name)) throw new FlagError(`unknown flag: --${name}`)
  if (equals >= 0) set(name, body.slice(equals + 1))
  else if (table[name].type === 'bool') set(name, 'true')
  else if (args.length > 0) set(name, args.shift())
  else throw new FlagError(`flag needs an argument: --${name}`)
  return args
}

// pflag's parseShortArg hands every letter of `-abc` the arguments as they were before the group (a quirk kept).
function shortFlags(arg, args, table, shorthands, set) {
  let letters = arg.slice(1)
  let rest = args
  while (letters.length > 0) {
    const letter = letters[0]
    const name = shorthands.get(letter)
    if (name === undefined) throw new FlagError(`unknown shorthand flag: '${letter}' in -${letters}`)
    if (letters.length > 2 && letters[1] === '=') {
      set(name, letters.slice(2))
      letters = ''
    } else if (table[name].type === 'bool') {
      set(name, 'true')
      letters = letters.slice(1)
    } else if (letters.length > 1) {
      set(name, letters.slice(1))
      letters = ''
    } else if (args.length > 0) {
      set(name, args[0])
      rest = args.slice(1)
      letters = ''
    } else {
      throw new FlagError(`flag needs an argument: '${letter}' in -${letters}`)
    }
  }
  return rest
}

function defaultOf(flag) {
  if (flag.default !== undefined) return flag.default
  return { bool: false, string: '', int: 0, duration: 0, stringSlice: [] }[flag.type]
}
