// What a platform team chooses when it renders the admission policies: who signs (a key or a workflow identity),
// which registries and namespaces, and the budgets the cluster demands. The defaults are what policies/ holds.
import { GITHUB_OIDC_ISSUER } from '../cosign/keys.js'
import { InputError } from '../errors.js'
import { SEVERITIES, type Severity } from '../report/model.js'
import { DEFAULT_ANNOTATION_KEY } from './annotations.js'

/** Keyless: the Fulcio certificate of a GitHub Actions workflow. Key-based: the public half of `cosign-key`. */
export type Signer = { kind: 'keyless'; identity: string; issuer: string } | { kind: 'key'; publicKey: string }

export interface PolicyOptions {
  annotationKey: string
  signer: Signer
  /** vouch's `tlog-upload: false`: no Rekor entry and no SCT to check (cosign's `--insecure-ignore-tlog`). */
  ignoreTlog: boolean
  /** Prefix globs (`registry.internal.example.com/*`), the form vouch's `allowed-registries` accepts. */
  registries: string[]
  /** Namespaces (Kyverno wildcards) where an image without a vouch signature is refused. */
  enforceNamespaces: string[]
  /** Namespaces where the same checks only report (staging). */
  auditNamespaces: string[]
  /** Never matched, whatever the patterns above say. */
  excludedNamespaces: string[]
  /** The budgets the cluster demands: a severity absent here is not checked; a number is the laxest budget admitted. */
  budgets: Partial<Record<Severity, number>>
}

/** A placeholder identity in vouch's own form; `--identity` replaces it. */
const PLACEHOLDER_IDENTITY = 'OWNER/REPO/.github/workflows/release.yml@refs/heads/main'

/**
 * The namespaces of the control plane and of the admission controllers themselves: a policy that can refuse
 * their pods can stop the cluster (or Kyverno) from recovering.
 */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno', 'gatekeeper-system']

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = {
  annotationKey: DEFAULT_ANNOTATION_KEY,
  signer: { kind: 'keyless', identity: PLACEHOLDER_IDENTITY, issuer: GITHUB_OIDC_ISSUER },
  ignoreTlog: false,
  registries: ['registry.internal.example.com/*'],
  enforceNamespaces: ['production-*'],
  auditNamespaces: ['staging-*'],
  excludedNamespaces: SYSTEM_NAMESPACES,
  // vouch's own defaults (action.yml: max-critical 0, max-high 0, the others unlimited).
  budgets: { CRITICAL: 0, HIGH: 0 },
}

/** `registry.internal.example.com/*` → `registry.internal.example.com/`: what an image reference must start with. */
export function registryPrefix(pattern: string): string {
  return pattern.slice(0, -1)
}

const REGISTRY_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*\/\*$/
const NAMESPACE_PATTERN = /^[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?$/
const IDENTITY_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml@refs\/[^\s]+$/

/** Checks a finished set of options; every error names the flag that set the value. */
export function checkPolicyOptions(options: PolicyOptions): PolicyOptions {
  if (options.registries.length === 0) throw new InputError('--registries', '', 'must name at least one registry')
  for (const registry of options.registries) {
    if (!REGISTRY_PATTERN.test(registry)) {
      throw new InputError('--registries', registry, 'must be a registry or repository prefix ending in `/*`')
    }
  }
  const namespaceFlags = {
    '--namespaces': options.enforceNamespaces,
    '--audit-namespaces': options.auditNamespaces,
    '--exclude-namespaces': options.excludedNamespaces,
  }
  for (const [flag, namespaces] of Object.entries(namespaceFlags)) {
    for (const namespace of namespaces) {
      if (!NAMESPACE_PATTERN.test(namespace)) {
        throw new InputError(flag, namespace, 'must be a namespace name, `*` allowed as a wildcard')
      }
    }
  }
  if (options.enforceNamespaces.length === 0)
    throw new InputError('--namespaces', '', 'must name at least one namespace')
  for (const severity of SEVERITIES) {
    const budget = options.budgets[severity]
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 0)) {
      throw new InputError(`--max-${severity.toLowerCase()}`, String(budget), 'must be a whole number ≥ 0')
    }
  }
  if (options.signer.kind === 'keyless' && !IDENTITY_PATTERN.test(options.signer.identity)) {
    throw new InputError(
      '--identity',
      options.signer.identity,
      'must be OWNER/REPO/.github/workflows/FILE.yml@refs/… (the workflow that runs vouch)',
    )
  }
  if (
    options.signer.kind === 'key' &&
    !/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/.test(options.signer.publicKey)
  ) {
    throw new InputError('--public-key', options.signer.publicKey.slice(0, 40), 'must be a PEM public key (cosign.pub)')
  }
  return options
}
