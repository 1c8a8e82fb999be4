import { describe, expect, test } from 'vitest'
import { InputError } from '../../src/errors.js'
import {
  type ImageReference,
  formatReference,
  isDigest,
  isLoopbackRegistry,
  parseReference,
  pinDigest,
  pinnedReference,
  type Digest,
} from '../../src/image/reference.js'

// Most cases are docker's own, from github.com/distribution/reference (the module docker and containerd parse with):
// reference_test.go TestReferenceParse, and normalize_test.go TestValidateReferenceName, TestValidateRemoteName,
// TestParseRepositoryInfo, TestNormalizedSplitHostname, TestParseAnyReference, TestParseReferenceWithTagAndDigest.
// TestReferenceParse calls Parse, which leaves a name without a registry as is; the expectations below are those of
// ParseNormalizedNamed (docker.io, library/), which is what `docker pull` does and what vouch needs.

const FF = `sha256:${'f'.repeat(64)}`
const REDIS = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c'
const BUSYBOX = 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa'
const HEX64 = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a'

type Valid = [input: string, registry: string, repository: string, tag?: string, digest?: string]

const valid: Valid[] = [
  // reference_test.go TestReferenceParse
  ['test_com', 'docker.io', 'library/test_com'],
  ['test.com:tag', 'docker.io', 'library/test.com', 'tag'],
  ['test.com:5000', 'docker.io', 'library/test.com', '5000'],
  ['test.com/repo:tag', 'test.com', 'repo', 'tag'],
  ['test:5000/repo', 'test:5000', 'repo'],
  ['test:5000/repo:tag', 'test:5000', 'repo', 'tag'],
  [`test:5000/repo@${FF}`, 'test:5000', 'repo', undefined, FF],
  [`test:5000/repo:tag@${FF}`, 'test:5000', 'repo', 'tag', FF],
  ['lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase'],
  ['sub-dom1.foo.com/bar/baz/quux', 'sub-dom1.foo.com', 'bar/baz/quux'],
  ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', 'sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag'],
  ['b.gcr.io/test.example.com/my-app:test.example.com', 'b.gcr.io', 'test.example.com/my-app', 'test.example.com'],
  ['xn--n3h.com/myimage:xn--n3h.com', 'xn--n3h.com', 'myimage', 'xn--n3h.com'],
  ['foo_bar.com:8080', 'docker.io', 'library/foo_bar.com', '8080'],
  // Parse calls `foo` a domain here; normalized, a first component without `.` or `:` is a Docker Hub namespace.
  ['foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080'],
  ['192.168.1.1', 'docker.io', 'library/192.168.1.1'],
  ['192.168.1.1:tag', 'docker.io', 'library/192.168.1.1', 'tag'],
  ['192.168.1.1:5000', 'docker.io', 'library/192.168.1.1', '5000'],
  ['192.168.1.1/repo', '192.168.1.1', 'repo'],
  ['192.168.1.1:5000/repo', '192.168.1.1:5000', 'repo'],
  ['192.168.1.1:5000/repo:5050', '192.168.1.1:5000', 'repo', '5050'],
  ['[2001:db8::1]/repo', '[2001:db8::1]', 'repo'],
  ['[2001:db8:1:2:3:4:5:6]/repo:tag', '[2001:db8:1:2:3:4:5:6]', 'repo', 'tag'],
  ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000', 'repo'],
  [`[2001:db8::1]:5000/repo:tag@${FF}`, '[2001:db8::1]:5000', 'repo', 'tag', FF],
  ['[2001:db8::]:5000/repo', '[2001:db8::]:5000', 'repo'],
  ['[::1]:5000/repo', '[::1]:5000', 'repo'],
  // normalize_test.go TestValidateReferenceName (valid names)
  ['docker/docker', 'docker.io', 'docker/docker'],
  ['library/debian', 'docker.io', 'library/debian'],
  ['debian', 'docker.io', 'library/debian'],
  ['docker.io/docker/docker', 'docker.io', 'docker/docker'],
  ['docker.io/debian', 'docker.io', 'library/debian'],
  ['index.docker.io/docker/docker', 'docker.io', 'docker/docker'],
  ['index.docker.io/library/debian', 'docker.io', 'library/debian'],
  ['index.docker.io/debian', 'docker.io', 'library/debian'],
  ['127.0.0.1:5000/library/debian', '127.0.0.1:5000', 'library/debian'],
  // Only Docker Hub has official images: no library/ elsewhere.
  ['127.0.0.1:5000/debian', '127.0.0.1:5000', 'debian'],
  ['192.168.0.1:80', 'docker.io', 'library/192.168.0.1', '80'],
  ['192.168.0.2:25000/debian', '192.168.0.2:25000', 'debian'],
  [
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker.io',
    'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
  ],
  ['[fc00::1]:5000/docker/docker', '[fc00::1]:5000', 'docker/docker'],
  ['[fc00:1:2:3:4:5:6:7]:5000/library/debian', '[fc00:1:2:3:4:5:6:7]:5000', 'library/debian'],
  [`docker.io/${HEX64}`, 'docker.io', `library/${HEX64}`],
  // An upper-case first component can only be a host: namespaces are lower case.
  ['Docker/docker', 'Docker', 'docker'],
  ['DOCKER/docker', 'DOCKER', 'docker'],
  // normalize_test.go TestValidateRemoteName
  ['docker-rules/docker', 'docker.io', 'docker-rules/docker'],
  ['docker---rules/docker', 'docker.io', 'docker---rules/docker'],
  ['d/docker', 'docker.io', 'd/docker'],
  ['jess/t', 'docker.io', 'jess/t'],
  ['dock__er/docker', 'docker.io', 'dock__er/docker'],
  // normalize_test.go TestParseRepositoryInfo and TestNormalizedSplitHostname
  ['ubuntu-12.04-base', 'docker.io', 'library/ubuntu-12.04-base'],
  ['library/foo/bar', 'docker.io', 'library/foo/bar'],
  ['store/foo/bar', 'docker.io', 'store/foo/bar'],
  ['example.com:8000/privatebasee', 'example.com:8000', 'privatebasee'],
  ['test-com:8080/foo', 'test-com:8080', 'foo'],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  // normalize_test.go TestParseAnyReference, TestParseReferenceWithTagAndDigest
  [`redis@${REDIS}`, 'docker.io', 'library/redis', undefined, REDIS],
  [`dmcgowan/myapp@${REDIS}`, 'docker.io', 'dmcgowan/myapp', undefined, REDIS],
  [
    'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
    'docker.io',
    'library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
  ],
  ['dbcc1', 'docker.io', 'library/dbcc1'],
  [`busybox:latest@${BUSYBOX}`, 'docker.io', 'library/busybox', 'latest', BUSYBOX],
  // localhost is a host even without a port or a dot.
  ['localhost/app', 'localhost', 'app'],
  ['localhost:5000/team/app:1.0', 'localhost:5000', 'team/app', '1.0'],
]

describe('parseReference accepts docker references and normalizes them as docker does', () => {
  test.each(valid)('%s', (input, registry, repository, tag, digest) => {
    const expected: ImageReference = { registry, repository }
    if (tag !== undefined) expected.tag = tag
    if (digest !== undefined) expected.digest = digest as Digest
    expect(parseReference(input)).toStrictEqual(expected)
  })

  test.each(valid)('%s formats to a fully qualified reference that parses to itself', (input) => {
    const ref = parseReference(input)
    expect(parseReference(formatReference(ref))).toStrictEqual(ref)
  })
})

type Invalid = [input: string, expectation: string]

const GRAMMAR = 'must be an image reference'
const SHA256 = 'must pin a sha256 digest'
const LOWER = 'lower-case repository name'
const HOST = 'valid registry host'
const DASH = 'must not start with `-`'
const SPACE = 'must not contain spaces, line breaks or control characters'

const invalid: Invalid[] = [
  // reference_test.go TestReferenceParse
  ['', GRAMMAR],
  [':justtag', GRAMMAR],
  [`@${FF}`, GRAMMAR],
  [`repo@sha256:${'f'.repeat(34)}`, SHA256],
  [`validname@invaliddigest:${'f'.repeat(64)}`, SHA256],
  ['Uppercase:tag', LOWER],
  ['test:5000/Uppercase/lowercase:tag', LOWER],
  [`${'a/'.repeat(128)}a:tag`, 'at most 255 characters'],
  ['aa/asdf$$^/aa', GRAMMAR],
  ['[2001:db8::1]', GRAMMAR],
  ['[2001:db8::1]:5000', GRAMMAR],
  ['[2001:db8::1]:tag', GRAMMAR],
  ['[fe80::1%eth0]:5000/repo', HOST],
  ['[fe80::1%@invalidzone]:5000/repo', HOST],
  // Valid for docker, refused by vouch: it scans and signs sha256 digests only.
  [`xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`, SHA256],
  [`redis@sha256:${'F'.repeat(64)}`, SHA256],
  // normalize_test.go TestValidateReferenceName (invalid names)
  ['https://github.com/docker/docker', HOST],
  ['docker/Docker', LOWER],
  ['-docker', DASH],
  ['-docker/docker', DASH],
  ['-docker.io/docker/docker', DASH],
  ['docker///docker', GRAMMAR],
  ['docker.io/docker/Docker', LOWER],
  ['docker.io/docker///docker', GRAMMAR],
  ['[fc00::1]', GRAMMAR],
  ['[fc00::1]:5000', GRAMMAR],
  ['fc00::1:5000/debian', HOST],
  ['[fe80::1%eth0]:5000/debian', HOST],
  ['[2001:db8:3:4::192.0.2.33]:5000/debian', HOST],
  [HEX64, 'bare 64-character hex image ID'],
  // normalize_test.go TestValidateRemoteName (invalid names). With a `.` the first component is a host, as in docker.
  ['docker-/docker', GRAMMAR],
  ['-docker-/docker', DASH],
  ['____/____', GRAMMAR],
  ['_docker/_docker', GRAMMAR],
  ['dock..er/docker', HOST],
  ['dock..er/docker', HOST],
  ['dock..er/docker', HOST],
  ['docker/', GRAMMAR],
  [`${Array(4).fill('this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255').join('_')}/docker`, '255'],
  // reference_test.go TestInvalidReferenceComponents: a tag cannot start with `-`.
  ['busybox:-foo', GRAMMAR],
  // A tag is at most 128 characters (distribution/reference regexp.go `tag`).
  [`app:${'t'.repeat(129)}`, GRAMMAR],
]

// Whatever reaches trivy's or cosign's argv must not be readable as an option or split into several arguments.
const injection: Invalid[] = [
  ['-oProxyCommand=touch /tmp/pwned', DASH],
  ['--help', DASH],
  ['-', DASH],
  ['--insecure-registry=evil.example.com/app', DASH],
  ['nginx --privileged', SPACE],
  ['nginx:1.27 ', SPACE],
  [' nginx', SPACE],
  ['nginx\n--help', SPACE],
  ['nginx\r\n', SPACE],
  ['nginx\ttag', SPACE],
  ['nginx\u0000', SPACE],
  ['nginx\u001b[31m', SPACE],
  ['nginx\u007f', SPACE],
  ['nginx\u0085', SPACE],
  ['nginx\u00a0', SPACE],
  ['nginx\u2028', SPACE],
  ['ghcr.io/org/app:$(id)', GRAMMAR],
  ['ghcr.io/org/app:`id`', GRAMMAR],
  ['ghcr.io/org/app;id', GRAMMAR],
  ['ghcr.io/org/app\u202e', GRAMMAR],
  ['ghcr.io/org/app:-x', GRAMMAR],
  ['ghcr.io/org/app@-x', GRAMMAR],
]

function refusal(input: string, inputName?: string): InputError {
  try {
    parseReference(input, inputName)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error(`${JSON.stringify(input)} was accepted`)
}

describe('parseReference refuses what docker refuses, naming the input and the value', () => {
  test.each([...invalid, ...injection])('%j', (input, expectation) => {
    const error = refusal(input)
    expect(error.input).toBe('image')
    expect(error.value).toBe(input)
    expect(error.message).toContain('`image`')
    expect(error.message).toContain(expectation)
  })

  test('quotes the value with JSON escapes, so a control character cannot reach a log line raw', () => {
    expect(refusal('nginx\n::error::forged').message).toContain('"nginx\\n::error::forged"')
    expect(refusal('nginx\u0000').message).toContain('"nginx\\u0000"')
  })

  test('names the input it is given', () => {
    expect(refusal('-x', 'cli --image').input).toBe('cli --image')
  })
})

describe('name length', () => {
  test('a registry/repository of 255 characters passes, of 256 does not', () => {
    const repository = 'a'.repeat(255 - 'r.io/'.length)
    expect(parseReference(`r.io/${repository}:tag`).repository).toBe(repository)
    expect(refusal(`r.io/${repository}a`).message).toContain('at most 255 characters')
  })

  test('counts the normalized name, as docker does when it prefixes docker.io/', () => {
    // Parse's own limit case (reference_test.go): 255 as written, 265 once it is docker.io/a/a/…
    expect(refusal(`${'a/'.repeat(127)}a:tag-puts-this-over-max`).message).toContain('255')
  })
})

describe('formatReference', () => {
  test.each([
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['nginx', 'docker.io/library/nginx'],
    ['index.docker.io/bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    [`ghcr.io/org/app:v1@${FF}`, `ghcr.io/org/app:v1@${FF}`],
    [`localhost:5000/app@${FF}`, `localhost:5000/app@${FF}`],
  ])('%s → %s', (input, formatted) => {
    expect(formatReference(parseReference(input))).toBe(formatted)
  })
})

describe('pinnedReference', () => {
  test('is registry/repository@digest, without the tag', () => {
    expect(pinnedReference(parseReference(`nginx:1.27@${FF}`))).toBe(`docker.io/library/nginx@${FF}`)
  })

  test('refuses a reference that has no digest yet', () => {
    expect(() => pinnedReference(parseReference('nginx:1.27'))).toThrow(/not pinned to a digest/)
  })
})

describe('pinDigest', () => {
  test('adds the digest and keeps the tag', () => {
    expect(pinDigest(parseReference('ghcr.io/org/app:v1'), REDIS)).toStrictEqual({
      registry: 'ghcr.io',
      repository: 'org/app',
      tag: 'v1',
      digest: REDIS,
    })
  })

  test('accepts the digest the reference already carries', () => {
    const ref = parseReference(`ghcr.io/org/app@${REDIS}`)
    expect(pinDigest(ref, REDIS)).toStrictEqual(ref)
  })

  test('refuses a digest that disagrees with the reference, naming `digest`', () => {
    const error = (() => {
      try {
        pinDigest(parseReference(`ghcr.io/org/app@${REDIS}`), FF)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('digest')
    expect((error as InputError).message).toContain(REDIS)
    expect((error as InputError).message).toContain('disagree')
  })

  test.each(['sha256:abc', `sha512:${'f'.repeat(128)}`, `-${FF}`, ''])('refuses the malformed digest %j', (digest) => {
    expect(() => pinDigest(parseReference('app'), digest, 'cli --digest')).toThrow(/`cli --digest` must be/)
  })
})

describe('isDigest', () => {
  test.each([
    [FF, true],
    [REDIS, true],
    [`sha256:${'F'.repeat(64)}`, false],
    [`sha256:${'f'.repeat(63)}`, false],
    [`sha256:${'f'.repeat(65)}`, false],
    [`sha512:${'f'.repeat(128)}`, false],
    [`${FF}\n`, false],
    [`SHA256:${'f'.repeat(64)}`, false],
    ['f'.repeat(64), false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(isDigest(text)).toBe(expected)
  })
})

describe('isLoopbackRegistry', () => {
  test.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['localhost.example.com', false],
    ['localhost:', false],
    ['127.0.0.1.nip.io', false],
    ['127.0.0.2:5000', false],
    ['[::2]:5000', false],
    ['docker.io', false],
    ['ghcr.io', false],
  ])('%s → %s', (registry, expected) => {
    expect(isLoopbackRegistry(registry)).toBe(expected)
  })
})
