// Evaluates Kyverno `conditions` blocks (any/all of key-operator-value) against a JSON document, with
// `{{ … }}` variables resolved innermost first, as Kyverno does. Expressions go to the `jmespath` package;
// the one Kyverno-only function the policies use, `time_since`, is implemented here with an injected clock,
// because the plain library has no way to register it.

import jmespath from 'jmespath'
import type { KubeObject } from './files.js'

export type ConditionOutcome =
  { result: 'pass' } | { result: 'fail'; failed: string[] } | { result: 'error'; error: string }

interface Condition {
  key: unknown
  operator: string
  value: unknown
  message?: string
}

/** All blocks must hold; within one, every `all` condition and, when present, some `any` condition. */
export function evaluateConditions(blocks: KubeObject[], document: unknown, now: Date): ConditionOutcome {
  const failed: string[] = []
  try {
    for (const block of blocks) {
      const all = (block.all ?? []) as Condition[]
      const any = (block.any ?? []) as Condition[]
      for (const condition of all) if (!holds(condition, document, now)) failed.push(describe(condition))
      if (any.length > 0 && !any.some((condition) => holds(condition, document, now))) {
        failed.push(...any.map(describe))
      }
    }
  } catch (error) {
    return { result: 'error', error: error instanceof Error ? error.message : String(error) }
  }
  return failed.length === 0 ? { result: 'pass' } : { result: 'fail', failed }
}

/** Resolves the `{{ … }}` variables in a value: a string that is one variable keeps the result's type. */
export function substitute(value: unknown, document: unknown, now: Date): unknown {
  if (typeof value !== 'string') return value
  let text = value
  for (;;) {
    const inner = /\{\{((?:(?!\{\{|\}\}).)*)\}\}/s.exec(text)
    if (inner === null) return text
    const result = evaluate((inner[1] ?? '').trim(), document, now)
    if (inner.index === 0 && inner[0].length === text.length) return result
    const rendered = typeof result === 'string' ? result : JSON.stringify(result)
    text = text.slice(0, inner.index) + rendered + text.slice(inner.index + inner[0].length)
  }
}

const TIME_SINCE = /^time_since\(\s*'([^']*)'\s*,\s*'([^']*)'\s*,\s*'([^']*)'\s*\)$/

function evaluate(expression: string, document: unknown, now: Date): unknown {
  const timeSince = TIME_SINCE.exec(expression)
  if (timeSince !== null) return timeSinceFunction(timeSince[1] ?? '', timeSince[2] ?? '', timeSince[3] ?? '', now)
  // Any other Kyverno-only function is unknown to the library, which throws: never a silent pass.
  return jmespath.search(document, expression)
}

// Kyverno's time_since(layout, ts1, ts2): ts2 - ts1 as a Go duration string; an empty layout means RFC 3339
// and an empty ts2 means now.
function timeSinceFunction(layout: string, from: string, to: string, now: Date): string {
  if (layout !== '') throw new Error('time_since with a layout is not implemented')
  const start = Date.parse(from)
  const end = to === '' ? now.getTime() : Date.parse(to)
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error(`time_since cannot parse ${from} or ${to}`)
  return goDuration(end - start)
}

function goDuration(milliseconds: number): string {
  const sign = milliseconds < 0 ? '-' : ''
  const total = Math.abs(milliseconds)
  const hours = Math.floor(total / 3_600_000)
  const minutes = Math.floor((total % 3_600_000) / 60_000)
  const seconds = (total % 60_000) / 1000
  return `${sign}${hours}h${minutes}m${seconds}s`
}

/** A Go duration string (`168h`, `1h2m3.5s`) in milliseconds; undefined when it is not one. */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined
  const match = /^(-?)((?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+)$/.exec(text)
  if (match === null) return undefined
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 }
  let total = 0
  for (const part of (match[2] ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)) {
    total += Number(part[1]) * (units[part[2] ?? ''] ?? Number.NaN)
  }
  return match[1] === '-' ? -total : total
}

function holds(condition: Condition, document: unknown, now: Date): boolean {
  const key = substitute(condition.key, document, now)
  const value = substitute(condition.value, document, now)
  switch (condition.operator) {
    case 'Equals':
      return equals(key, value)
    case 'NotEquals':
      return !equals(key, value)
    case 'LessThanOrEquals':
      return compare(key, value) <= 0
    case 'GreaterThanOrEquals':
      return compare(key, value) >= 0
    default:
      throw new Error(`operator ${condition.operator} is not implemented`)
  }
}

function equals(key: unknown, value: unknown): boolean {
  if (typeof key === 'number' || typeof value === 'number') return Number(key) === Number(value)
  return JSON.stringify(key) === JSON.stringify(value)
}

// Kyverno compares two durations as durations, otherwise two numbers as numbers.
function compare(key: unknown, value: unknown): number {
  const keyDuration = parseGoDuration(key)
  const valueDuration = parseGoDuration(value)
  if (keyDuration !== undefined && valueDuration !== undefined) return keyDuration - valueDuration
  const [left, right] = [Number(key), Number(value)]
  if (Number.isNaN(left) || Number.isNaN(right)) throw new Error(`cannot compare ${String(key)} with ${String(value)}`)
  return left - right
}

function describe(condition: Condition): string {
  return (
    condition.message ?? `${JSON.stringify(condition.key)} ${condition.operator} ${JSON.stringify(condition.value)}`
  )
}
