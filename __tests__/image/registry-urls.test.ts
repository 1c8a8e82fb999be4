// Where the registry client sends requests (plain http only on loopback), and how platforms are named and chosen.
import { describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import { manifestUrl, platformName, registryBaseUrl, resolveDigest } from '../../src/image/registry.js'

describe('registryBaseUrl', () => {
  test.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['localhost', 'http://localhost'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['docker.io', 'https://registry-1.docker.io'],
    ['ghcr.io', 'https://ghcr.io'],
    ['registry.example.com:5000', 'https://registry.example.com:5000'],
    // Looks local, is not loopback: never plain http.
    ['localhost.example.com', 'https://localhost.example.com'],
    ['127.0.0.1.nip.io:5000', 'https://127.0.0.1.nip.io:5000'],
    ['10.0.0.5:5000', 'https://10.0.0.5:5000'],
    ['registry:5000', 'https://registry:5000'],
  ])('%s → %s', (registry, url) => {
    expect(registryBaseUrl(registry)).toBe(url)
  })

  test.each(['', 'http://registry.example.com', 'registry.example.com/path', 'user@registry.example.com'])(
    'refuses %j, which is not a host[:port]',
    (registry) => {
      expect(() => registryBaseUrl(registry)).toThrow(RegistryError)
    },
  )
})

test('manifestUrl names the repository and the tag or digest', () => {
  expect(manifestUrl({ registry: 'docker.io', repository: 'library/nginx' }, '1.27')).toBe(
    'https://registry-1.docker.io/v2/library/nginx/manifests/1.27',
  )
  expect(manifestUrl({ registry: 'localhost:5000', repository: 'org/app' }, `sha256:${'b'.repeat(64)}`)).toBe(
    `http://localhost:5000/v2/org/app/manifests/sha256:${'b'.repeat(64)}`,
  )
})

test('resolveDigest asks a registry off loopback over https only', async () => {
  const urls: string[] = []
  const refusing: typeof fetch = async (input) => {
    urls.push(String(input))
    return new Response(null, { status: 404 })
  }
  await resolveDigest(
    { registry: 'registry.example.com', repository: 'org/app', tag: '1.0' },
    { fetch: refusing },
  ).catch(() => undefined)
  expect(urls.length).toBeGreaterThan(0)
  for (const url of urls) expect(url).toMatch(/^https:\/\/registry\.example\.com\/v2\/org\/app\/manifests\/1\.0$/)
})

describe('platformName', () => {
  test.each([
    [{ os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm64', variant: '' }, 'linux/arm64'],
    [{ os: 'unknown', architecture: 'unknown' }, 'unknown/unknown'],
    [{}, undefined],
  ])('%j → %s', (platform, name) => {
    expect(platformName(platform)).toBe(name)
  })
})
