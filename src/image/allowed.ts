// `allowed-registries`: the registry allowlist the cluster enforces, checked before anything is downloaded.
// A pattern means what it means in Kyverno's restrict-image-registries policy, so one list can serve both.

import { InputError } from '../errors.js'
import { type ImageReference, formatReference } from './reference.js'

// What Kyverno does with a pattern value such as `eu.foo.io/* | bar.io/*` (kyverno/kyverno pkg/engine/pattern
// validateStringPatterns): it splits the value on `|`, trims spaces off each alternative, and passes when any
// alternative matches the pod's `image` string through pkg/utils/wildcard.Match. That Match (a wrapper around
// IGLOU-EU/go-wildcard v1, itself forked from minio's wildcard; later rewritten in place with the same tests) has
// exactly two wildcards: `*` is any run of characters, empty included and `/` included; `?` is exactly one
// character, `/` included. Everything else matches itself, case-sensitively, with no escapes or classes, and the
// whole string must match (no implicit prefix). Kyverno's `&` and operator prefixes (`!`, `>`...) are refused here:
// they are not characters of an image reference and have no use in an allowlist.
const ALTERNATIVE = /^[A-Za-z0-9._:/@[\]*?-]+$/
const SEPARATOR = '|'

/** Checks one `allowed-registries` line and returns it; `|` separates alternatives, as in a Kyverno pattern. */
export function checkRegistryPattern(pattern: string, input: string): string {
  const alternatives = pattern.split(SEPARATOR).map(trimSpaces)
  for (const alternative of alternatives) {
    if (alternative === '') {
      throw new InputError(input, pattern, 'must list registry patterns, one per line or separated by `|`, none empty')
    }
    // A URL never matches an image reference: it would silently refuse every image.
    if (alternative.startsWith('-') || alternative.includes('://') || !ALTERNATIVE.test(alternative)) {
      throw new InputError(
        input,
        pattern,
        'must hold registry patterns such as registry.example.com/* (no scheme): characters of an image reference ' +
          'plus `*` and `?`, no spaces inside a pattern',
      )
    }
  }
  return pattern
}

/**
 * Whether the image may be used. `written` is the reference as the user wrote it, `ref` its parse: either one
 * matching passes, because the cluster sees whatever string the deploy step writes and vouch outputs the fully
 * qualified form. No patterns: everything is allowed.
 */
export function isAllowed(ref: ImageReference, written: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true
  const candidates = [written, formatReference(ref)]
  return patterns.some((pattern) =>
    pattern
      .split(SEPARATOR)
      .map(trimSpaces)
      .some((alternative) => candidates.some((candidate) => wildcardMatch(alternative, candidate))),
  )
}

/** The patterns for a message: ``one of `eu.foo.io/*`, `bar.io/*` ``. */
export function describeAllowed(patterns: string[]): string {
  const quoted = patterns.map((pattern) => `\`${pattern}\``).join(', ')
  return patterns.length === 1 ? quoted : `one of ${quoted}`
}

/**
 * Kyverno's wildcard.Match: `*` any run of characters (including none and `/`), `?` exactly one character.
 * Greedy-with-backtrack on the last `*` only, so patterns like `a*a*a*b` stay linear (research.swtch.com/glob).
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const p = Array.from(pattern)
  const t = Array.from(text)
  let pi = 0
  let ti = 0
  let starPi = -1
  let starTi = 0
  while (ti < t.length) {
    if (pi < p.length && p[pi] === '*') {
      starPi = ++pi
      starTi = ti
      continue
    }
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++
      ti++
      continue
    }
    if (starPi < 0) return false
    // Let the last `*` swallow one more character and retry what follows it.
    pi = starPi
    ti = ++starTi
  }
  while (pi < p.length && p[pi] === '*') pi++
  return pi === p.length
}

// Kyverno trims only spaces (strings.Trim(condition, " ")).
function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, '')
}
