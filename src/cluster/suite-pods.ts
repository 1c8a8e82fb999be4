// The pods both shipped suites (`kyverno test`, `gator verify`) hold, each with the result the image rules and the
// advisory annotation rule must give it. Declared by hand: they are the specification the policies are held to.
import { registryPrefix, type PolicyOptions } from './policy-options.js'

export type Result = 'pass' | 'fail' | 'skip'

export interface PodCase {
  name: string
  namespace: 'production' | 'staging' | 'system'
  containers: string[]
  initContainers?: string[]
  ephemeralContainers?: string[]
  annotated?: boolean
  /** What the registries, tags and annotation rules must say. */
  expect: { registries: Result; tags: Result; annotation: Result }
}

const DIGEST = `sha256:${'a'.repeat(64)}`

export function podCases(options: PolicyOptions): PodCase[] {
  const allowed = registryPrefix(options.registries[0] ?? '')
  return [
    {
      name: 'pinned-and-annotated',
      namespace: 'production',
      containers: [`${allowed}shop/api@${DIGEST}`],
      annotated: true,
      expect: { registries: 'pass', tags: 'pass', annotation: 'pass' },
    },
    {
      name: 'tagged-without-annotation',
      namespace: 'production',
      containers: [`${allowed}shop/api:1.4.2`],
      expect: { registries: 'pass', tags: 'pass', annotation: 'fail' },
    },
    {
      name: 'latest-tag',
      namespace: 'production',
      containers: [`${allowed}shop/api:latest`],
      annotated: true,
      expect: { registries: 'pass', tags: 'fail', annotation: 'pass' },
    },
    {
      name: 'untagged',
      namespace: 'production',
      containers: [`${allowed}shop/api`],
      annotated: true,
      expect: { registries: 'pass', tags: 'fail', annotation: 'pass' },
    },
    {
      name: 'other-registry',
      namespace: 'production',
      containers: ['docker.io/library/nginx:1.27.0'],
      annotated: true,
      expect: { registries: 'fail', tags: 'pass', annotation: 'pass' },
    },
    {
      name: 'init-container-from-other-registry',
      namespace: 'production',
      containers: [`${allowed}shop/api@${DIGEST}`],
      initContainers: ['ghcr.io/someone/setup:1.0'],
      annotated: true,
      expect: { registries: 'fail', tags: 'pass', annotation: 'pass' },
    },
    {
      name: 'ephemeral-container-latest',
      namespace: 'production',
      containers: [`${allowed}shop/api@${DIGEST}`],
      ephemeralContainers: [`${allowed}tools/debug:latest`],
      annotated: true,
      expect: { registries: 'pass', tags: 'fail', annotation: 'pass' },
    },
    {
      name: 'staging-latest',
      namespace: 'staging',
      containers: ['docker.io/library/nginx:latest'],
      expect: { registries: 'fail', tags: 'fail', annotation: 'fail' },
    },
    {
      name: 'system-namespace',
      namespace: 'system',
      containers: ['docker.io/library/nginx:latest'],
      expect: { registries: 'skip', tags: 'skip', annotation: 'skip' },
    },
  ]
}

function namespaceOf(kind: PodCase['namespace'], options: PolicyOptions): string {
  const pattern = kind === 'production' ? options.enforceNamespaces[0] : options.auditNamespaces[0]
  if (kind === 'system' || pattern === undefined) return options.excludedNamespaces[0] ?? 'kube-system'
  return pattern.replace(/\*/g, 'app')
}

export function pod(podCase: PodCase, options: PolicyOptions): unknown {
  const containers = (images: string[], prefix: string): unknown[] =>
    images.map((image, index) => ({ name: `${prefix}${index}`, image }))
  const spec: Record<string, unknown> = { containers: containers(podCase.containers, 'app') }
  if (podCase.initContainers) spec.initContainers = containers(podCase.initContainers, 'init')
  if (podCase.ephemeralContainers) spec.ephemeralContainers = containers(podCase.ephemeralContainers, 'debug')
  const metadata: Record<string, unknown> = { name: podCase.name, namespace: namespaceOf(podCase.namespace, options) }
  if (podCase.annotated) metadata.annotations = { [options.annotationKey]: 'passed' }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec }
}
