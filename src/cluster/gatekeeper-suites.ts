// The `gator verify` suite shipped beside the Gatekeeper policies: each template with its production constraint,
// against the same pods as the Kyverno suite. Runs offline; it proves the Rego, not a cluster's webhook.
import type { PolicyOptions } from './policy-options.js'
import { yamlFile, type PolicyFile } from './policy-file.js'
import { pod, podCases, type PodCase } from './suite-pods.js'

const TESTS = [
  ['vouch-allowed-registries', 'registries'],
  ['vouch-image-tags', 'tags'],
  ['vouch-scan-annotation', 'annotation'],
] as const

export function gatekeeperSuiteFiles(options: PolicyOptions): PolicyFile[] {
  // The suite pins the production constraint (deny, or warn for the advisory one); staging differs only in action.
  const cases = podCases(options).filter((podCase) => podCase.namespace !== 'staging')
  const suite = {
    apiVersion: 'test.gatekeeper.sh/v1alpha1',
    kind: 'Suite',
    metadata: { name: 'vouch' },
    tests: TESTS.map(([name, field]) => ({
      name,
      template: `../templates/${name}.yaml`,
      constraint: `../constraints/${name}-enforce.yaml`,
      cases: cases.map((podCase: PodCase) => ({
        name: podCase.name,
        object: `pods/${podCase.name}.yaml`,
        assertions: [{ violations: podCase.expect[field] === 'fail' ? 'yes' : 'no' }],
      })),
    })),
  }
  return [
    yamlFile('gatekeeper/tests/suite.yaml', [suite]),
    ...cases.map((podCase) => yamlFile(`gatekeeper/tests/pods/${podCase.name}.yaml`, [pod(podCase, options)])),
  ]
}
