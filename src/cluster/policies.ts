// Renders every admission policy in policies/ from the action's own constants and a team's choices: pure, files as
// text, so the CLI writes them and a test compares them with what is committed.
import { gatekeeperFiles } from './gatekeeper.js'
import { bundlePolicies } from './kyverno-bundle-policy.js'
import {
  disallowLatestPolicy,
  restrictRegistriesPolicy,
  scanAnnotationPolicy,
  verifySignaturePolicy,
} from './kyverno-cluster-policies.js'
import { kyvernoSuiteFiles } from './kyverno-suites.js'
import { yamlFile, type PolicyFile } from './policy-file.js'
import { checkPolicyOptions, type PolicyOptions } from './policy-options.js'

export type { PolicyFile }

export function renderPolicies(options: PolicyOptions): PolicyFile[] {
  checkPolicyOptions(options)
  return [
    yamlFile('kyverno/restrict-image-registries.yaml', [restrictRegistriesPolicy(options)]),
    yamlFile('kyverno/disallow-latest-tag.yaml', [disallowLatestPolicy(options)]),
    yamlFile('kyverno/require-scan-annotation.yaml', [scanAnnotationPolicy(options)]),
    yamlFile('kyverno/verify-vouch-signature.yaml', [verifySignaturePolicy(options)]),
    yamlFile('kyverno/verify-vouch-bundle.yaml', bundlePolicies(options)),
    ...kyvernoSuiteFiles(options),
    ...gatekeeperFiles(options),
  ]
}
