// Where code scanning files an alert and the links it shows, as Trivy's SARIF writer puts them
// (pkg/report/sarif.go, ToPathUri): URI references that code scanning accepts for any text a scanner wrote.
import { parseReference } from '../image/reference.js'
import type { Finding } from '../report/model.js'

/**
 * An OS result's target is `<artifact> (<distro> <version>)`; the artifact is the path. This is what Trivy's
 * pathRegex `^(.+?)(?:\s*\(.*?\).*?)?$` captures, found in one pass: that regex backtracks quadratically on a
 * target of many `(`. The artifact ends at the first `(` after the first character that some `)` follows, with the
 * whitespace before it dropped (keeping at least one character); a target without one is all artifact.
 */
export function artifactOfTarget(target: string): string {
  const open = target.indexOf('(', 1)
  if (open === -1 || target.lastIndexOf(')') < open) return target
  const before = target.slice(0, open)
  const trimmed = before.trimEnd()
  return trimmed === '' ? before.slice(0, 1) : trimmed
}

/**
 * Where code scanning files the alert, as Trivy's ToPathUri puts it: a language package's path (PkgPath, else the
 * result's target); for OS packages, the image's repository path without registry, tag or digest.
 */
export function locationUri(finding: Finding, image: string): string {
  const os = finding.resultClass === 'os-pkgs' || (finding.resultClass === undefined && /\)\s*$/.test(finding.target))
  const path = finding.pkgPath || (os ? repositoryPath(finding.target) : finding.target) || repositoryPath(image)
  return toUriReference(path.replace(/\\/g, '/'))
}

function repositoryPath(target: string): string {
  const path = artifactOfTarget(target)
  try {
    return parseReference(path).repository
  } catch {
    return path
  }
}

/** Percent-encodes what a URI reference may not hold; a first segment with `:` would read as a scheme. */
function toUriReference(path: string): string {
  let encoded: string
  try {
    encoded = encodeURI(path)
  } catch {
    encoded = encodeURI(path.replace(/[\ud800-\udfff]/g, '\ufffd'))
  }
  encoded = encoded.replace(/[#?]/g, (c) => encodeURIComponent(c))
  const firstSegment = encoded.split('/', 1)[0] ?? ''
  return firstSegment.includes(':') ? `./${encoded}` : encoded
}

/** A WHATWG href as a strict RFC 3986 URI: the few characters browsers tolerate are percent-encoded too. */
export function strictUri(href: string): string {
  return href
    .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
    .replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (c) => encodeURIComponent(c))
}
