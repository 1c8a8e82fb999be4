// What the cluster reads: the gate annotation (`key=status`), the pod-annotations JSON for a deploy step, and the
// annotations vouch signs into the signature so that an admission policy can require exact values.
import { InputError } from '../errors.js'
import { SEVERITIES, type Budgets, type Severity } from '../report/model.js'
import type { ScanStatus } from '../report/verdict.js'

/** `security.example.com/scan-status=passed`: the `annotation` output. */
export function gateAnnotation(key: string, status: ScanStatus): string {
  return `${key}=${status}`
}

/** `{"security.example.com/scan-status":"passed"}`: the `pod-annotations` output, ready for a pod template. */
export function podAnnotations(key: string, status: ScanStatus): string {
  return JSON.stringify({ [key]: status })
}

/** The `annotation-key` default (CONTRACT.md): the gate annotation, and the prefix of every signed key. */
export const DEFAULT_ANNOTATION_KEY = 'security.example.com/scan-status'

/**
 * The part of the annotation key before its `/` (`security.example.com`). A Kubernetes prefix is a DNS subdomain and
 * holds no `/`, so the first one ends it. A key without a prefix (`scan-status`) gives '': the signed keys are then
 * bare too (`max-critical`, `scanner`), as a prefix-less annotation key is.
 */
export function annotationPrefix(key: string): string {
  const slash = key.indexOf('/')
  return slash === -1 ? '' : key.slice(0, slash)
}

function qualified(annotationKey: string, name: string): string {
  const prefix = annotationPrefix(annotationKey)
  return prefix === '' ? name : `${prefix}/${name}`
}

/** `security.example.com/max-critical`: one signed key per budget, so a cluster can require just the ones it needs. */
export function budgetAnnotationKey(annotationKey: string, severity: Severity): string {
  return qualified(annotationKey, `max-${severity.toLowerCase()}`)
}

/** `security.example.com/scanner`: the signed key naming the scanner that produced the verdict. */
export function scannerAnnotationKey(annotationKey: string): string {
  return qualified(annotationKey, 'scanner')
}

/** A budget as a signed value: a whole number, or `unlimited` for no limit. */
export function budgetAnnotationValue(budget: number | null): string {
  return budget === null ? 'unlimited' : String(budget)
}

/**
 * `trivy@v0.74.0`. Written the way `trivy-version` is (with the `v`), whichever form the caller holds, so that a
 * policy can pin the value a workflow author sees in their own workflow.
 */
export function scannerValue(trivyVersion: string): string {
  return `trivy@v${trivyVersion.replace(/^v/, '')}`
}

/** The keys vouch signs itself; the `annotations` input may not set them. */
export function reservedAnnotationKeys(annotationKey: string): string[] {
  return [
    annotationKey,
    ...SEVERITIES.map((severity) => budgetAnnotationKey(annotationKey, severity)),
    scannerAnnotationKey(annotationKey),
  ]
}

/**
 * Why cosign would not sign `key=value` as exactly that one annotation; undefined when it would.
 *
 * cosign v3.0.6 and v2.6.1 read `-a` identically (cmd/cosign/cli/options/annotations.go, same text at both tags):
 *
 *     cmd.Flags().StringSliceVarP(&o.Annotations, "annotations", "a", nil, "extra key=value pairs to sign")
 *     ...
 *     for _, a := range o.Annotations {
 *         kv := strings.Split(a, "=")
 *         if len(kv) != 2 {
 *             return ann, fmt.Errorf("unable to parse annotation: %s", a)
 *         }
 *
 * A cobra string slice reads each value as one CSV record (spf13/pflag v1.0.10 string_slice.go, readAsCSV with
 * encoding/csv): a `,` starts another item, a `"` quotes or is a parse error, a line break ends the record and drops
 * the rest. Then every item must split on `=` into exactly two parts. cosign v3.1.2 uses `strings.SplitN(a, "=", 2)`
 * instead, which signs a value holding `=` rather than failing; vouch keeps the strict rule for every version.
 */
export function cosignAnnotationProblem(key: string, value: string): string | undefined {
  const both = `${key}=${value}`
  if (/[\r\n]/.test(both)) return 'must not hold a line break: cosign would sign only the part before it'
  if ([...both].some((char) => char < ' ' || char === '\u007f')) return 'must not hold control characters'
  if (both.includes(',')) {
    return 'must not hold `,`: cosign reads -a as a comma list, so the part after it would be another annotation'
  }
  if (both.includes('"')) return 'must not hold `"`: cosign reads -a as CSV, where a quote is syntax'
  if (key === '') return 'must be key=value with a key before the `=`'
  if (key.includes('=') || value.includes('=')) {
    return 'must hold exactly one `=`: cosign v3.0.6 splits an annotation on every `=` and refuses more than two parts'
  }
  return undefined
}

/**
 * Refuses extra annotations that would override a key vouch signs, or name one key twice: a signature must never
 * say `passed` (or a laxer budget) because a workflow line said so. Callable at input time, before anything runs.
 * Whether cosign would sign each pair as written is checked where the pairs come in (readAnnotations, each line) and
 * where they leave (cosign/args.ts, every value vouch signs), not a third time here.
 */
export function checkExtraAnnotations(annotationKey: string, extra: readonly (readonly [string, string])[]): void {
  const reserved = reservedAnnotationKeys(annotationKey)
  if (new Set(reserved).size !== reserved.length) {
    throw new InputError(
      'annotation-key',
      annotationKey,
      'must not be `max-<severity>` or `scanner`, which vouch signs beside it',
    )
  }
  const seen = new Set<string>()
  for (const [key, value] of extra) {
    if (reserved.includes(key)) {
      throw new InputError('annotations', `${key}=${value}`, `must not set \`${key}\`, which vouch signs itself`)
    }
    if (seen.has(key)) throw new InputError('annotations', `${key}=${value}`, `must name \`${key}\` only once`)
    seen.add(key)
  }
}

export interface SignedAnnotationsContext {
  annotationKey: string
  budgets: Budgets
  trivyVersion: string
  /** The `annotations` input, in the order given. */
  extra: readonly (readonly [string, string])[]
}

/** What `cosign sign -a` carries, in order: the gate, one key per budget, the scanner, then the extras. */
export function signedAnnotations(context: SignedAnnotationsContext): [string, string][] {
  const { annotationKey, budgets, trivyVersion, extra } = context
  checkExtraAnnotations(annotationKey, extra)
  return [
    [annotationKey, 'passed'],
    ...SEVERITIES.map((severity): [string, string] => [
      budgetAnnotationKey(annotationKey, severity),
      budgetAnnotationValue(budgets[severity]),
    ]),
    [scannerAnnotationKey(annotationKey), scannerValue(trivyVersion)],
    ...extra.map(([key, value]): [string, string] => [key, value]),
  ]
}
