// A `kyverno test` folder for the validate-only policies (registries, tags, the advisory annotation): pods and the
// result each rule must give them. It needs no registry, so a platform team runs it as is after rendering.
import type { PolicyOptions } from './policy-options.js'
import { pod, podCases as allCases, type PodCase } from './suite-pods.js'
import { modes } from './kyverno-modes.js'
import { yamlFile, type PolicyFile } from './policy-file.js'

export const KYVERNO_SUITE_DIR = 'kyverno/tests/image-rules'

export function kyvernoSuiteFiles(options: PolicyOptions): PolicyFile[] {
  const podCases = allCases(options).filter(
    (podCase) => podCase.namespace !== 'staging' || options.auditNamespaces.length,
  )
  const rules = [
    ['vouch-restrict-image-registries', 'registries', 'registries'],
    ['vouch-disallow-latest-tag', 'tags', 'tags'],
    ['vouch-scan-annotation-advisory', 'scan-annotation', 'annotation'],
  ] as const
  const results = rules.flatMap(([policy, rule, field]) =>
    modes(options).flatMap((mode) =>
      (['pass', 'fail', 'skip'] as const).flatMap((result) => {
        const namespace = mode.name === 'enforce' ? 'production' : 'staging'
        // A system-namespace pod is excluded: the production rule skips it.
        const inMode = (podCase: PodCase): boolean =>
          podCase.namespace === namespace || (mode.name === 'enforce' && podCase.namespace === 'system')
        const names = podCases
          .filter((podCase) => inMode(podCase) && podCase.expect[field] === result)
          .map((podCase) => podCase.name)
        return names.length === 0
          ? []
          : [{ policy, rule: `${rule}-${mode.name}`, kind: 'Pod', resources: names, result }]
      }),
    ),
  )
  const test = {
    apiVersion: 'cli.kyverno.io/v1alpha1',
    kind: 'Test',
    metadata: { name: 'vouch-image-rules' },
    policies: [
      '../../restrict-image-registries.yaml',
      '../../disallow-latest-tag.yaml',
      '../../require-scan-annotation.yaml',
    ],
    resources: ['resources.yaml'],
    results,
  }
  return [
    yamlFile(`${KYVERNO_SUITE_DIR}/kyverno-test.yaml`, [test]),
    yamlFile(
      `${KYVERNO_SUITE_DIR}/resources.yaml`,
      podCases.map((podCase) => pod(podCase, options)),
    ),
  ]
}
