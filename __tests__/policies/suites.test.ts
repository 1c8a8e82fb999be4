// The shipped suites are well formed: every file they name exists, every result names a pod, policy and rule that
// exist, every constraint belongs to its template. The real CLIs run them in the e2e tier (shipped-suites.e2e).
import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { KYVERNO_SUITE_DIR } from '../../src/cluster/kyverno-suites.js'
import { at, committedDocuments, POLICIES_DIR, type KubeObject } from './support/files.js'

const exists = (file: string): boolean => existsSync(new URL(file, POLICIES_DIR))

describe('the kyverno test suite', () => {
  const [suite] = committedDocuments(`${KYVERNO_SUITE_DIR}/kyverno-test.yaml`) as [KubeObject]
  const relative = (file: string): string => path.posix.join(KYVERNO_SUITE_DIR, file)
  const policies = (suite.policies as string[]).flatMap((file) => committedDocuments(relative(file)))
  const pods = (suite.resources as string[]).flatMap((file) => committedDocuments(relative(file)))
  const results = suite.results as { policy: string; rule: string; resources: string[]; result: string }[]

  test('names files that exist', () => {
    for (const file of [...(suite.policies as string[]), ...(suite.resources as string[])]) {
      expect(exists(relative(file)), file).toBe(true)
    }
  })

  test('every result names a policy and rule of the suite and pods of its resources', () => {
    const rules = new Set(
      policies.flatMap((policy) =>
        ((policy.spec as KubeObject).rules as KubeObject[]).map(
          (rule) => `${String(at(policy, 'metadata', 'name'))}/${String(rule.name)}`,
        ),
      ),
    )
    const podNames = new Set(pods.map((pod) => String(at(pod, 'metadata', 'name'))))
    for (const result of results) {
      expect(rules.has(`${result.policy}/${result.rule}`), `${result.policy}/${result.rule}`).toBe(true)
      for (const name of result.resources) expect(podNames.has(name), name).toBe(true)
    }
  })

  test('expects failures as well as passes and skips, so it can tell a policy that does nothing', () => {
    expect(new Set(results.map((result) => result.result))).toEqual(new Set(['pass', 'fail', 'skip']))
  })
})

describe('the gator verify suite', () => {
  const dir = 'gatekeeper/tests'
  const [suite] = committedDocuments(`${dir}/suite.yaml`) as [KubeObject]
  const tests = suite.tests as {
    template: string
    constraint: string
    cases: { object: string; assertions: { violations: string }[] }[]
  }[]

  test.each(tests.map((entry) => [entry.template, entry]))(
    '%s: its files exist and its constraint is of its kind',
    (_name, entry) => {
      const file = (name: string): string => path.posix.join(dir, name)
      const [template] = committedDocuments(file(entry.template)) as [KubeObject]
      const [constraint] = committedDocuments(file(entry.constraint)) as [KubeObject]
      expect(constraint.kind).toBe(at(template, 'spec', 'crd', 'spec', 'names', 'kind'))
      for (const testCase of entry.cases) expect(exists(file(testCase.object)), testCase.object).toBe(true)
      // Quoted: gator reads YAML 1.1, where a bare no/yes would be a boolean, not the assertion it means.
      expect(new Set(entry.cases.map((testCase) => testCase.assertions[0]?.violations))).toEqual(new Set(['yes', 'no']))
    },
  )
})
