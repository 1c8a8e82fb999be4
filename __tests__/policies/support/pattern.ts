// A small evaluator of Kyverno `validate.pattern` and `validate.foreach` rules, enough for the image and
// annotation policies: string patterns (`|` alternatives, `!` negation, `*`/`?` wildcards), maps, arrays and
// the `=(key)` equality anchor. Anything else throws, so an unsupported construct cannot pass by accident.

import jmespath from 'jmespath'
import { wildcardMatch } from '../../../src/image/allowed.js'
import { at, type KubeObject } from './files.js'

export type RuleResult = 'pass' | 'fail'

/** The kinds Kyverno's autogen rewrites a Pod rule for, with where each keeps its Pod template. */
const TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
}

/** The Pod a rule sees: the object itself, or for a controller the Pod template autogen checks. */
export function podOf(resource: KubeObject): KubeObject {
  const path = TEMPLATE_PATHS[String(resource.kind)]
  if (path === undefined) throw new Error(`autogen does not cover ${String(resource.kind)}`)
  return (path.length === 0 ? resource : at(resource, ...path)) as KubeObject
}

/** Applies one `validate` rule of a Pod-matching ClusterPolicy to a Pod or a Pod controller. */
export function applyValidateRule(rule: KubeObject, resource: KubeObject): RuleResult {
  const validate = rule.validate as KubeObject | undefined
  if (validate === undefined) throw new Error(`rule ${String(rule.name)} has no validate block`)
  const pod = podOf(resource)
  if (validate.pattern !== undefined) return matches(validate.pattern, pod) ? 'pass' : 'fail'
  if (Array.isArray(validate.foreach)) {
    const context = { request: { object: pod } }
    for (const loop of validate.foreach as KubeObject[]) {
      const elements: unknown = jmespath.search(context, String(loop.list))
      if (elements === null || elements === undefined) continue
      if (!Array.isArray(elements)) throw new Error(`foreach list ${String(loop.list)} is not a list`)
      if (!elements.every((element) => matches(loop.pattern, element))) return 'fail'
    }
    return 'pass'
  }
  throw new Error(`rule ${String(rule.name)} uses a validate form this evaluator does not implement`)
}

/** Whether a resource value satisfies a pattern value. */
export function matches(pattern: unknown, value: unknown): boolean {
  if (typeof pattern === 'string') return typeof value === 'string' && matchesString(pattern, value)
  if (Array.isArray(pattern)) return matchesArray(pattern, value)
  if (pattern !== null && typeof pattern === 'object') return matchesMap(pattern as KubeObject, value)
  return pattern === value
}

function matchesMap(pattern: KubeObject, value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const fields = value as KubeObject
  return Object.entries(pattern).every(([key, expected]) => {
    const anchor = /^([^\w])?\((.+)\)$/.exec(key)
    if (anchor === null) return key in fields && matches(expected, fields[key])
    // `=(key)`: check the field only where the resource has it.
    if (anchor[1] !== '=') throw new Error(`anchor ${key} is not implemented`)
    const field = anchor[2] ?? ''
    return !(field in fields) || matches(expected, fields[field])
  })
}

// A one-element array pattern applies to every element of the resource's array.
function matchesArray(pattern: unknown[], value: unknown): boolean {
  if (pattern.length !== 1) throw new Error('array patterns with several elements are not implemented')
  return Array.isArray(value) && value.every((element) => matches(pattern[0], element))
}

// Kyverno's validateStringPatterns: alternatives split on `|` and trimmed of spaces; `!` negates.
function matchesString(pattern: string, value: string): boolean {
  return pattern
    .split('|')
    .map((alternative) => alternative.replace(/^ +| +$/g, ''))
    .some((alternative) => {
      if (/^(>=|<=|>|<|&)/.test(alternative) || alternative.includes('&')) {
        throw new Error(`operator in ${alternative} is not implemented`)
      }
      return alternative.startsWith('!')
        ? !wildcardMatch(alternative.slice(1), value)
        : wildcardMatch(alternative, value)
    })
}

/** The results a `kyverno test` file expects, as (rule, resource name, result) rows. */
export function expectedResults(test: KubeObject): { rule: string; resource: string; result: string }[] {
  const rows = (test.results ?? []) as KubeObject[]
  return rows.flatMap((row) =>
    ((row.resources ?? []) as string[]).map((resource) => ({
      rule: String(row.rule ?? ''),
      resource,
      result: String(row.result),
    })),
  )
}
