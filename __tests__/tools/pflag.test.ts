// The stand-ins' flag values are read as Go reads them: each input's answer from Go's own encoding/csv,
// time.ParseDuration, strconv.ParseInt / ParseBool and %q (fixtures/pflag/go-answers.json, written by
// go-answers.go.txt) must be the stand-ins' answer too.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { FlagError, goQuote, parseDuration, parseFlags, readCsvRecord } from '../fakes/pflag.mjs'

interface GoAnswer {
  input: string
  csv: string[] | string
  duration: string
  int: string
  bool: string
  quote: string
}
const { cases } = JSON.parse(readFileSync(new URL('../fixtures/pflag/go-answers.json', import.meta.url), 'utf8')) as {
  cases: GoAnswer[]
}

function answer(read: () => unknown): unknown {
  try {
    return read()
  } catch (error) {
    if (error instanceof FlagError) return `ERR ${error.message}`
    throw error
  }
}
const valueOf = (type: 'int' | 'bool', input: string) =>
  String(answer(() => String(parseFlags([`--n=${input}`], { n: { type } }).values.get('n')))).replace(
    /^ERR invalid argument .*? for "--n" flag: /s,
    'ERR ',
  )

test(`the corpus is Go's (${cases.length} inputs)`, () => {
  expect(cases.length).toBeGreaterThan(30)
})

describe.each(cases)('$input', (go) => {
  test('string slice: one CSV record', () => {
    expect(answer(() => readCsvRecord(go.input))).toEqual(go.csv)
  })

  test('duration', () => {
    const ours = answer(() => parseDuration(go.input))
    expect(typeof ours === 'number' ? String(Math.trunc(ours)) : ours).toBe(go.duration)
  })

  test('int and bool', () => {
    // Numbers beyond 2^53 print rounded in JavaScript; the errors are what matter.
    const int = valueOf('int', go.input)
    expect(go.int.startsWith('ERR') ? int : Number(int)).toEqual(go.int.startsWith('ERR') ? go.int : Number(go.int))
    expect(valueOf('bool', go.input)).toBe(go.bool)
  })

  test('%q', () => {
    expect(goQuote(go.input)).toBe(go.quote)
  })
})
