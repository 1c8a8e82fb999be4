// Where the policies apply and how hard: Enforce in the production namespaces, Audit (admit and report) in staging,
// never in the system namespaces. Shared by every rendered policy, Kyverno's and Gatekeeper's constraints.
import type { PolicyOptions } from './policy-options.js'

export interface Mode {
  /** Suffix of rule and policy names. */
  name: 'enforce' | 'audit'
  action: 'Enforce' | 'Audit'
  namespaces: string[]
}

export function modes(options: PolicyOptions): Mode[] {
  const all: Mode[] = [{ name: 'enforce', action: 'Enforce', namespaces: options.enforceNamespaces }]
  if (options.auditNamespaces.length > 0) {
    all.push({ name: 'audit', action: 'Audit', namespaces: options.auditNamespaces })
  }
  return all
}

/** A ClusterPolicy rule's `match` and `exclude` (namespace wildcards as Kyverno's resource filters read them). */
export function podsIn(mode: Mode, options: PolicyOptions): Record<string, unknown> {
  return {
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: mode.namespaces } }] },
    exclude: { any: [{ resources: { namespaces: options.excludedNamespaces } }] },
  }
}

/** Kubernetes caps an admission webhook at 30 s; signature and attestation checks reach the registry several times. */
export const VERIFY_TIMEOUT_SECONDS = 30

/** The public Rekor log (cosign's default), where a policy looks up vouch's signatures unless `tlog-upload: false`. */
export const REKOR_URL = 'https://rekor.sigstore.dev'

export function policyMetadata(name: string, title: string, description: string, minversion: string): unknown {
  return {
    name,
    annotations: {
      'policies.kyverno.io/title': title,
      'policies.kyverno.io/category': 'Software Supply Chain Security',
      'policies.kyverno.io/severity': 'high',
      'policies.kyverno.io/subject': 'Pod',
      'policies.kyverno.io/minversion': minversion,
      'policies.kyverno.io/description': description,
    },
  }
}
