// The pattern-based policies, run through support/pattern.ts against the upstream `kyverno test` resources.
// The evaluator is first held to the upstream policies' own expected results; only then is it trusted with
// vouch's policies.

import { describe, expect, test } from 'vitest'
import { applyValidateRule, expectedResults } from './support/pattern.js'
import { at, loadFixtureDocuments, loadFixtureYaml, loadPolicy, type KubeObject } from './support/files.js'

type Case = [rule: string, resource: string, result: string]

function rulesOf(policy: KubeObject): KubeObject[] {
  return at(policy, 'spec', 'rules') as KubeObject[]
}

function ruleNamed(policy: KubeObject, name: string): KubeObject {
  const rule = rulesOf(policy).find((candidate) => candidate.name === name)
  if (rule === undefined) throw new Error(`no rule ${name}`)
  return rule
}

function upstreamCases(folder: string): { cases: Case[]; resources: Map<string, KubeObject> } {
  const test = loadFixtureYaml(`${folder}/kyverno-test.yaml`)
  const resources = new Map(
    loadFixtureDocuments(`${folder}/resource.yaml`).map((resource) => [
      String(at(resource, 'metadata', 'name')),
      resource,
    ]),
  )
  return { cases: expectedResults(test).map(({ rule, resource, result }) => [rule, resource, result]), resources }
}

function pod(containers: Record<string, string[]>, annotations?: Record<string, string>): KubeObject {
  const spec = Object.fromEntries(
    Object.entries(containers).map(([field, images]) => [field, images.map((image, n) => ({ name: `c${n}`, image }))]),
  )
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(annotations ? { annotations } : {}) }, spec }
}

const ALLOWED = 'registry.internal.example.com'
const DIGEST = 'sha256:3c19aa980a9c5709a2c96c2d0779febf6e5e453b92b172ce84cb85fdaf695373'

describe('restrict-image-registries', () => {
  const upstream = loadFixtureYaml('restrict-image-registries/policy.yaml')
  const ours = loadPolicy('restrict-image-registries.yaml')
  const { cases, resources } = upstreamCases('restrict-image-registries')

  test.each(cases)('upstream %s on %s gives %s as its kyverno test expects', (rule, name, result) => {
    expect(applyValidateRule(ruleNamed(upstream, rule), resources.get(name) as KubeObject)).toBe(result)
  })

  // Same structure: with upstream's registries put back, vouch's policy decides every upstream case alike.
  test.each(cases)('vouch’s %s with upstream registries on %s gives %s alike', (rule, name, result) => {
    const swapped = JSON.parse(
      JSON.stringify(ruleNamed(ours, rule)).replaceAll('registry.internal.example.com/*', 'eu.foo.io/* | bar.io/*'),
    ) as KubeObject
    expect(applyValidateRule(swapped, resources.get(name) as KubeObject)).toBe(result)
  })

  test.each<{ image: string; containers: Record<string, string[]>; result: string }>([
    {
      image: 'vouch’s digest-pinned output',
      containers: { containers: [`${ALLOWED}/team/app@${DIGEST}`] },
      result: 'pass',
    },
    {
      image: 'a tag in the allowed registry',
      containers: { containers: [`${ALLOWED}/team/app:1.2.3`] },
      result: 'pass',
    },
    {
      image: 'all three container kinds allowed',
      containers: {
        containers: [`${ALLOWED}/app:1`],
        initContainers: [`${ALLOWED}/init:1`],
        ephemeralContainers: [`${ALLOWED}/debug:1`],
      },
      result: 'pass',
    },
    { image: 'a Docker Hub image', containers: { containers: ['nginx:1.27'] }, result: 'fail' },
    { image: 'a look-alike registry host', containers: { containers: [`${ALLOWED}.evil.io/app:1`] }, result: 'fail' },
    {
      image: 'an init container from elsewhere',
      containers: { containers: [`${ALLOWED}/app:1`], initContainers: ['docker.io/library/busybox:1.36'] },
      result: 'fail',
    },
    {
      image: 'an ephemeral container from elsewhere',
      containers: { containers: [`${ALLOWED}/app:1`], ephemeralContainers: ['ghcr.io/nicolaka/netshoot:v0.13'] },
      result: 'fail',
    },
  ])('$image gives $result', ({ containers, result }) => {
    expect(applyValidateRule(ruleNamed(ours, 'validate-registries'), pod(containers))).toBe(result)
  })

  test('fails every upstream resource, none of which comes from the placeholder registry', () => {
    expect(resources.size).toBeGreaterThan(0)
    for (const resource of resources.values()) {
      expect(applyValidateRule(ruleNamed(ours, 'validate-registries'), resource)).toBe('fail')
    }
  })
})

describe('disallow-latest-tag', () => {
  const upstream = loadFixtureYaml('disallow-latest-tag/policy.yaml')
  const ours = loadPolicy('disallow-latest-tag.yaml')
  const { cases, resources } = upstreamCases('disallow-latest-tag')

  test.each(cases)('upstream %s on %s gives %s as its kyverno test expects', (rule, name, result) => {
    expect(applyValidateRule(ruleNamed(upstream, rule), resources.get(name) as KubeObject)).toBe(result)
  })

  test.each(cases)('vouch’s %s on %s gives %s alike', (rule, name, result) => {
    expect(applyValidateRule(ruleNamed(ours, rule), resources.get(name) as KubeObject)).toBe(result)
  })

  test('keeps upstream’s rules unchanged', () => {
    expect(rulesOf(ours).map((rule) => [rule.name, rule.match, at(rule, 'validate', 'foreach')])).toEqual(
      rulesOf(upstream).map((rule) => [rule.name, rule.match, at(rule, 'validate', 'foreach')]),
    )
  })

  test.each([
    ['vouch’s digest-pinned output', `registry.internal.example.com/app@${DIGEST}`, 'pass', 'pass'],
    ['a tag pinned to a digest', `registry.internal.example.com/app:1.2.3@${DIGEST}`, 'pass', 'pass'],
    ['latest pinned to a digest', `registry.internal.example.com/app:latest@${DIGEST}`, 'pass', 'pass'],
    ['an untagged image', 'registry.internal.example.com/app', 'fail', 'pass'],
    ['latest', 'registry.internal.example.com/app:latest', 'pass', 'fail'],
  ])('%s (%s): tag rule %s, latest rule %s', (_case, image, requireTag, notLatest) => {
    const resource = pod({ containers: [image] })
    expect(applyValidateRule(ruleNamed(ours, 'require-image-tag'), resource)).toBe(requireTag)
    expect(applyValidateRule(ruleNamed(ours, 'validate-image-tag'), resource)).toBe(notLatest)
  })

  test('audits, as upstream does', () => {
    expect(at(ours, 'spec', 'validationFailureAction')).toBe('Audit')
  })
})

describe('require-scan-annotation (advisory)', () => {
  const policy = loadPolicy('require-scan-annotation.yaml')
  const rule = ruleNamed(policy, 'require-scan-annotation')
  const image = `registry.internal.example.com/app@${DIGEST}`
  // vouch's `pod-annotations` output for a passing image.
  const podAnnotations = JSON.parse('{"security.example.com/scan-status":"passed"}') as Record<string, string>

  test.each<{ annotations: string; present: Record<string, string> | undefined; result: string }>([
    { annotations: 'vouch’s pod-annotations output', present: podAnnotations, result: 'pass' },
    {
      annotations: 'the annotation among others',
      present: { ...podAnnotations, 'team.example.com/owner': 'payments' },
      result: 'pass',
    },
    { annotations: 'a failed gate', present: { 'security.example.com/scan-status': 'failed' }, result: 'fail' },
    { annotations: 'an errored gate', present: { 'security.example.com/scan-status': 'error' }, result: 'fail' },
    { annotations: 'other annotations only', present: { 'team.example.com/owner': 'payments' }, result: 'fail' },
    { annotations: 'no annotations', present: undefined, result: 'fail' },
  ])('a Pod with $annotations gives $result', ({ present, result }) => {
    expect(applyValidateRule(rule, pod({ containers: [image] }, present))).toBe(result)
  })

  test('reads a Deployment’s Pod template, as Kyverno autogen does', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', annotations: podAnnotations },
      spec: { template: { metadata: {}, spec: { containers: [{ name: 'app', image }] } } },
    }
    expect(applyValidateRule(rule, deployment)).toBe('fail')
    ;(deployment.spec.template.metadata as KubeObject).annotations = podAnnotations
    expect(applyValidateRule(rule, deployment)).toBe('pass')
  })

  test('only audits: an annotation anyone can write must not be mistaken for a control', () => {
    expect(at(policy, 'spec', 'validationFailureAction')).toBe('Audit')
    expect(String(at(policy, 'metadata', 'annotations', 'policies.kyverno.io/description'))).toMatch(/advisory/)
  })
})
