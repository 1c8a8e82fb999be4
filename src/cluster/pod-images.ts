// The image rules as CEL, written once for both kinds of Kyverno policy (ClusterPolicy `validate.cel` and
// ImageValidatingPolicy `validations`), over every container kind a pod can hold.
import { registryPrefix } from './policy-options.js'

/**
 * Every image of a pod: containers, init containers and ephemeral containers (`kubectl debug` adds the last through
 * the `pods/ephemeralcontainers` subresource). `has()` rather than optional types: both kinds' CEL environments have it.
 */
export const POD_IMAGES =
  '(object.spec.containers' +
  ' + (has(object.spec.initContainers) ? object.spec.initContainers : [])' +
  ' + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : []))' +
  '.map(c, c.image)'

function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** Each image starts with one of the registries' prefixes; an image without a registry (`nginx`) never does. */
export function registriesExpression(registries: readonly string[]): string {
  const prefixes = registries.map((pattern) => celString(registryPrefix(pattern))).join(', ')
  return `${POD_IMAGES}.all(image, [${prefixes}].exists(prefix, image.startsWith(prefix)))`
}

// A tag is what follows the last `:` when no `/` follows it (`host:5000/app` has none); a digest is `@sha256:…`.
const TAG = String.raw`:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$`
const DIGEST = String.raw`@sha256:[a-f0-9]{64}$`
const LATEST = String.raw`:latest(@sha256:[a-f0-9]{64})?$`

/** Each image names a tag or a digest, and the tag is not `latest`. */
export const TAGS_EXPRESSION =
  `${POD_IMAGES}.all(image, (image.matches(${celString(TAG)}) || image.matches(${celString(DIGEST)}))` +
  ` && !image.matches(${celString(LATEST)}))`

/** `production-*` → a CEL test on the request's namespace, for policies that match with CEL instead of patterns. */
export function namespaceMatches(patterns: readonly string[]): string {
  const regex = patterns.map((pattern) => pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*'))
  return `request.namespace.matches(${celString(`^(${regex.join('|')})$`)})`
}

/** The exclusions as a CEL test, for the same policies. */
export function namespaceExcluded(namespaces: readonly string[]): string {
  return `!(request.namespace in [${namespaces.map(celString).join(', ')}])`
}
