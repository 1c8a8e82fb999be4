import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { InputError } from '../../src/errors.js'
import { checkRegistryPattern, describeAllowed, isAllowed, wildcardMatch } from '../../src/image/allowed.js'
import { parseReference } from '../../src/image/reference.js'

const FIXTURES = new URL('../fixtures/kyverno/restrict-image-registries/', import.meta.url)
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8')

interface Pod {
  metadata: { name: string }
  spec: { containers: { image: string }[]; initContainers?: { image: string }[] }
}
interface KyvernoTest {
  results: { resources: string[]; result: 'pass' | 'fail' }[]
}

const pods = parseAllDocuments(fixture('resource.yaml')).map((document) => document.toJS() as Pod)

function expectedResults(testFile: string): [pod: string, result: 'pass' | 'fail'][] {
  const kyvernoTest = parse(fixture(testFile)) as KyvernoTest
  return kyvernoTest.results.flatMap(({ resources, result }) =>
    resources.map((pod) => [pod, result] as [string, typeof result]),
  )
}

// Kyverno checks every container's image string; the pod passes when all of them are allowed.
function podResult(name: string, patterns: string[]): 'pass' | 'fail' {
  const pod = pods.find((candidate) => candidate.metadata.name === name)
  if (pod === undefined) throw new Error(`no pod ${name} in resource.yaml`)
  const images = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((container) => container.image)
  return images.every((image) => isAllowed(parseReference(image), image, patterns)) ? 'pass' : 'fail'
}

describe("Kyverno's restrict-image-registries test resources (kyverno/policies best-practices)", () => {
  const policy = parse(fixture('policy.yaml')) as {
    spec: { rules: { validate: { pattern: { spec: { containers: { image: string }[] } } } }[] }
  }
  const pattern = policy.spec.rules[0]?.validate.pattern.spec.containers[0]?.image ?? ''

  test('the policy pattern is a valid allowed-registries line as it stands', () => {
    expect(pattern).toBe('eu.foo.io/* | bar.io/*')
    expect(checkRegistryPattern(pattern, 'allowed-registries')).toBe(pattern)
  })

  test.each(expectedResults('kyverno-test.yaml'))('%s: %s, with the pattern as one line', (pod, result) => {
    expect(podResult(pod, [pattern])).toBe(result)
  })

  test.each(expectedResults('kyverno-test.yaml'))('%s: %s, with the alternatives on separate lines', (pod, result) => {
    expect(podResult(pod, pattern.split(' | '))).toBe(result)
  })
})

// The -cel and -vpol variants say the same with CEL: image.startsWith('eu.foo.io/') || image.startsWith('bar.io/').
// A prefix `p` is the wildcard pattern `p*`, so the same resources give the same results.
describe.each([
  ['policy-cel.yaml', 'kyverno-test.yaml'],
  ['policy-vpol.yaml', 'kyverno-test-vpol.yaml'],
])("Kyverno's %s, whose startsWith prefixes become `prefix*` patterns", (policyFile, testFile) => {
  const prefixes = [...fixture(policyFile).matchAll(/startsWith\('([^']+)'\)/g)].map((match) => match[1] ?? '')
  const patterns = prefixes.map((prefix) => checkRegistryPattern(`${prefix}*`, 'allowed-registries'))

  test('names the same two registries', () => {
    expect(patterns).toEqual(['eu.foo.io/*', 'bar.io/*'])
  })

  test.each(expectedResults(testFile))('%s: %s', (pod, result) => {
    expect(podResult(pod, patterns)).toBe(result)
  })
})

// Kyverno's own wildcard table: kyverno/kyverno pkg/utils/wildcard/match_test.go (and ext/wildcard/match_test.go),
// the minio cases that go-wildcard carried. `?` is exactly one character and matches `/`; `*` spans `/`.
describe('wildcardMatch matches as Kyverno wildcard.Match', () => {
  test.each([
    ['*', 's3:GetObject', true],
    ['', 's3:GetObject', false],
    ['', '', true],
    ['s3:*', 's3:ListMultipartUploadParts', true],
    ['s3:ListBucketMultipartUploads', 's3:ListBucket', false],
    ['s3:ListBucket', 's3:ListBucket', true],
    ['my-bucket/oo*', 'my-bucket/oo', true],
    ['my-bucket/In*', 'my-bucket/India/Karnataka/', true],
    ['my-bucket/In*', 'my-bucket/Karnataka/India/', false],
    ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Ban/Ban/Ban/Ban/Ban', true],
    ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban', true],
    ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Bangalore', false],
    ['my-bucket/In*/Ka*/Ban*', 'my-bucket/India/Karnataka/Bangalore', true],
    ['my-bucket/oo*', 'my-bucket/odo', false],
    ['my-bucket?/abc*', 'mybucket/abc', false],
    ['my-bucket?/abc*', 'my-bucket1/abc', true],
    ['my-?-bucket/abc*', 'my--bucket/abc', false],
    ['my??bucket/abc*', 'my4abucket/abc', true],
    ['my-bucket?abc*', 'my-bucket/abc', true],
    ['my-bucket/abc?efg', 'my-bucket/abc/efg', true],
    ['my-bucket/abc????', 'my-bucket/abcde', false],
    ['my-bucket/abc?', 'my-bucket/abc', false],
    ['my-bucket/abc?', 'my-bucket/abcd', true],
    ['my-bucket/abc?', 'my-bucket/abcde', false],
    ['my-bucket/mnop*?', 'my-bucket/mnop', false],
    ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqr', true],
    ['my-bucket/mnop*??', 'my-bucket/mnopqrst', true],
    ['my-bucket/mnop*?and', 'my-bucket/mnopand', false],
    ['my-bucket/mnop*?and?', 'my-bucket/mnopqanda', true],
    ['my-bucket/mnop*?and', 'my-bucket/mnopqanda', false],
    ['my-?-bucket/abc*', 'my-bucket/mnopqanda', false],
  ])('%j against %j → %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected)
  })

  test('stays fast on patterns that make naive backtracking exponential', () => {
    expect(wildcardMatch(`${'a*'.repeat(30)}b`, 'a'.repeat(200))).toBe(false)
  })
})

const allowedCases: [written: string, patterns: string[], allowed: boolean][] = [
  // Docker Hub: `nginx` is docker.io/library/nginx, and either spelling of the pattern admits it.
  ['nginx', ['docker.io/*'], true],
  ['nginx', ['docker.io/library/*'], true],
  ['nginx', ['nginx'], true],
  ['nginx:1.27', ['nginx:*'], true],
  ['nginx:1.27', ['docker.io/library/nginx:*'], true],
  ['docker.io/nginx', ['docker.io/library/*'], true],
  ['index.docker.io/library/nginx', ['docker.io/*'], true],
  ['index.docker.io/library/nginx', ['index.docker.io/*'], true],
  ['bitnami/redis', ['docker.io/bitnami/*'], true],
  ['bitnami/redis', ['docker.io/library/*'], false],
  ['nginx', ['ghcr.io/*'], false],
  // The whole string must match: no implicit prefix, and a look-alike host does not pass.
  ['ghcr.io/org/app', ['docker.io/*'], false],
  ['docker.io.evil.example/app', ['docker.io/*'], false],
  ['evil.example/docker.io/app', ['docker.io/*'], false],
  ['ghcr.io/org/app', ['ghcr.io/org'], false],
  // A pattern without `/` after the host admits look-alikes; Kyverno's does the same.
  ['docker.io.evil.example/app', ['docker.io*'], true],
  // Case-sensitive, as in Kyverno.
  ['EU.FOO.IO/app', ['eu.foo.io/*'], false],
  // Ports are part of the registry.
  ['localhost:5000/app:1', ['localhost:5000/*'], true],
  ['localhost:5000/app:1', ['localhost/*'], false],
  ['localhost:5000/app:1', ['localhost:*/*'], true],
  ['localhost/app', ['localhost:*/*'], false],
  ['registry.example.com:443/app', ['registry.example.com/*'], false],
  ['registry.example.com:443/app', ['registry.example.com:443/*'], true],
  ['[::1]:5000/app', ['[::1]:5000/*'], true],
  // `?` is exactly one character.
  ['registry1.example.com/app', ['registry?.example.com/*'], true],
  ['registry.example.com/app', ['registry?.example.com/*'], false],
  ['registry12.example.com/app', ['registry?.example.com/*'], false],
  ['localhost:5001/app', ['localhost:500?/*'], true],
  // Alternatives: ` | ` inside a line, `|` without spaces, or separate lines.
  ['bar.io/busybox', ['eu.foo.io/* | bar.io/*'], true],
  ['bar.io/busybox', ['eu.foo.io/*|bar.io/*'], true],
  ['quay.io/busybox', ['eu.foo.io/* | bar.io/*'], false],
  ['quay.io/busybox', ['eu.foo.io/*', 'bar.io/*', 'quay.io/*'], true],
  // Tags and digests: patterns see them in both forms.
  [`ghcr.io/org/app@sha256:${'f'.repeat(64)}`, ['ghcr.io/org/*'], true],
  [`ghcr.io/org/app:v1@sha256:${'f'.repeat(64)}`, ['ghcr.io/org/app:v*'], true],
  ['ghcr.io/org/app:latest', ['ghcr.io/org/app:v*'], false],
  // Nothing listed: everything is allowed.
  ['anything.example/at/all', [], true],
]

describe('isAllowed passes when the written or the fully qualified reference matches', () => {
  test.each(allowedCases)('%s with %j → %s', (written, patterns, allowed) => {
    expect(isAllowed(parseReference(written), written, patterns)).toBe(allowed)
  })
})

describe('checkRegistryPattern', () => {
  test.each([
    'registry.internal.example.com/*',
    'eu.foo.io/* | bar.io/*',
    'eu.foo.io/*|bar.io/*',
    'localhost:5000/*',
    '[::1]:5000/*',
    '*',
    'ghcr.io/org/app@sha256:*',
    'registry?.example.com/*',
    'docker.io/library/nginx:1.27',
  ])('accepts %j and returns it', (pattern) => {
    expect(checkRegistryPattern(pattern, 'allowed-registries')).toBe(pattern)
  })

  test.each([
    '',
    'eu.foo.io/* | ',
    '| bar.io/*',
    'eu.foo.io/* || bar.io/*',
    'eu.foo.io/ *',
    'eu.foo.io/*\tbar.io/*',
    'eu.foo.io/* |\tbar.io/*',
    'eu.foo.io/* & bar.io/*',
    '!docker.io/*',
    '-oProxyCommand=x',
    'registry.example.com/*;id',
    'registry.example.com/$(id)',
    'registry.example.com/*\u0000',
    'https://registry.example.com/*',
  ])('refuses %j, naming the input', (pattern) => {
    expect(() => checkRegistryPattern(pattern, 'allowed-registries')).toThrow(InputError)
    expect(() => checkRegistryPattern(pattern, 'allowed-registries')).toThrow(/^`allowed-registries` must /)
  })
})

describe('describeAllowed', () => {
  test.each([
    [['eu.foo.io/*'], '`eu.foo.io/*`'],
    [['eu.foo.io/*', 'bar.io/*'], 'one of `eu.foo.io/*`, `bar.io/*`'],
  ])('%j → %s', (patterns, description) => {
    expect(describeAllowed(patterns)).toBe(description)
  })
})
