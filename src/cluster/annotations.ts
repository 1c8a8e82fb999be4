// What the cluster reads: the gate annotation (`key=status`), the pod-annotations JSON for a deploy step, and the
// annotations vouch signs into the signature so that an admission policy can require exact values.
import { InputError } from '../errors.js'
import { SEVERITIES, type Budgets } from '../report/model.js'
import type { ScanStatus } from '../report/verdict.js'

/** `security.example.com/scan-status=passed`: the `annotation` output. */
export function gateAnnotation(key: string, status: ScanStatus): string {
  return `${key}=${status}`
}

/** `{"security.example.com/scan-status":"passed"}`: the `pod-annotations` output, ready for a pod template. */
export function podAnnotations(key: string, status: ScanStatus): string {
  return JSON.stringify({ [key]: status })
}

/**
 * The part of the annotation key before its `/` (`security.example.com`). A Kubernetes prefix is a DNS subdomain and
 * holds no `/`, so the first one ends it. A key without a prefix (`scan-status`) gives '': the signed keys are then
 * bare too (`scan-thresholds`, `scanner`), as a prefix-less annotation key is.
 */
export function annotationPrefix(key: string): string {
  const slash = key.indexOf('/')
  return slash === -1 ? '' : key.slice(0, slash)
}

/** `critical=0,high=0,medium=-,low=-,unknown=-`, in severity order; `-` is no limit. */
export function thresholdsValue(budgets: Budgets): string {
  return SEVERITIES.map((severity) => `${severity.toLowerCase()}=${budgets[severity] ?? '-'}`).join(',')
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
  const prefix = annotationPrefix(annotationKey)
  const qualified = (name: string): string => (prefix === '' ? name : `${prefix}/${name}`)
  return [annotationKey, qualified('scan-thresholds'), qualified('scanner')]
}

/**
 * Refuses extra annotations that would override a key vouch signs, or name one key twice: a signature must never
 * say `passed` (or a laxer budget) because a workflow line said so. Callable at input time, before anything runs.
 */
export function checkExtraAnnotations(annotationKey: string, extra: readonly (readonly [string, string])[]): void {
  const reserved = reservedAnnotationKeys(annotationKey)
  if (new Set(reserved).size !== reserved.length) {
    throw new InputError(
      'annotation-key',
      annotationKey,
      'must not be `scan-thresholds` or `scanner`, which vouch signs beside it',
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

/** What `cosign sign -a` carries, in order: the gate, the thresholds, the scanner, then the extras. */
export function signedAnnotations(context: SignedAnnotationsContext): [string, string][] {
  const { annotationKey, budgets, trivyVersion, extra } = context
  checkExtraAnnotations(annotationKey, extra)
  const [gateKey, thresholdsKey, scannerKey] = reservedAnnotationKeys(annotationKey) as [string, string, string]
  return [
    [gateKey, 'passed'],
    [thresholdsKey, thresholdsValue(budgets)],
    [scannerKey, scannerValue(trivyVersion)],
    ...extra.map(([key, value]): [string, string] => [key, value]),
  ]
}
