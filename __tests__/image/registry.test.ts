// Resolving tags and digests against a real registry (Debian's docker-registry on loopback), without auth.
import { describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import type { Digest, ImageReference } from '../../src/image/reference.js'
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  platformName,
  resolveDigest,
} from '../../src/image/registry.js'
import { pushEntries, pushImage, pushIndex } from '../support/push.js'
import { startRegistry, useRegistry } from '../support/registry.js'
import { rejection } from '../support/rejection.js'

const registry = useRegistry()

const image = (repository: string, pin: { tag?: string; digest?: string }): ImageReference => ({
  registry: registry.host,
  repository,
  ...(pin as { tag?: string; digest?: Digest }),
})

describe('a tag resolves to the digest the registry holds', () => {
  test.each([
    ['oci', OCI_MANIFEST],
    ['docker', DOCKER_MANIFEST],
  ] as const)('%s image manifest', async (format, mediaType) => {
    const pushed = await pushImage(registry.host, `tags/${format}`, '1.0', { format })
    const resolved = await resolveDigest(image(`tags/${format}`, { tag: '1.0' }))
    expect(resolved).toEqual({ digest: pushed.digest, mediaType })
  })

  test('a tag that moved resolves to the manifest it names now', async () => {
    await pushImage(registry.host, 'tags/moving', 'stable', { platform: 'linux/amd64' })
    const now = await pushImage(registry.host, 'tags/moving', 'stable', { platform: 'linux/arm64' })
    expect((await resolveDigest(image('tags/moving', { tag: 'stable' }))).digest).toBe(now.digest)
  })

  test('a reference with neither tag nor digest is latest, as docker pulls it', async () => {
    const pushed = await pushImage(registry.host, 'tags/untagged', 'latest')
    expect((await resolveDigest(image('tags/untagged', {}))).digest).toBe(pushed.digest)
  })
})

describe('a digest reference', () => {
  test('returns the same digest and the media type of the manifest it names', async () => {
    const pushed = await pushImage(registry.host, 'digests/app', 'v1', { format: 'docker' })
    const resolved = await resolveDigest(image('digests/app', { digest: pushed.digest }))
    expect(resolved).toEqual({ digest: pushed.digest, mediaType: DOCKER_MANIFEST })
  })

  test('wins over the tag written next to it, even when the tag has moved on', async () => {
    const pinned = await pushImage(registry.host, 'digests/moved', 'v1', { platform: 'linux/amd64' })
    await pushImage(registry.host, 'digests/moved', 'v1', { platform: 'linux/arm64' })
    const resolved = await resolveDigest(image('digests/moved', { tag: 'v1', digest: pinned.digest }))
    expect(resolved.digest).toBe(pinned.digest)
  })

  test('of a manifest the repository does not hold is a 404 naming the digest', async () => {
    await pushImage(registry.host, 'digests/other', 'v1')
    const missing = `sha256:${'0'.repeat(64)}`
    const error = await rejection(resolveDigest(image('digests/other', { digest: missing })), RegistryError)
    expect(error).toMatchObject({ status: 404 })
    expect(error.message).toContain(`The tag or digest ${missing} does not exist in ${registry.host}/digests/other`)
  })
})

describe('an index', () => {
  test('lists every entry, the attestation manifests included and marked', async () => {
    const pushed = await pushIndex(registry.host, 'multi/app', '2.0', ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], {
      withAttestation: true,
    })
    const resolved = await resolveDigest(image('multi/app', { tag: '2.0' }))

    expect(resolved.digest).toBe(pushed.digest)
    expect(resolved.mediaType).toBe(OCI_INDEX)
    expect(resolved.platforms).toEqual([
      { os: 'linux', architecture: 'amd64', digest: pushed.platforms['linux/amd64'] },
      { os: 'linux', architecture: 'arm64', digest: pushed.platforms['linux/arm64'] },
      { os: 'linux', architecture: 'arm', variant: 'v7', digest: pushed.platforms['linux/arm/v7'] },
      ...pushed.attestations.map((digest, position) => ({
        os: 'unknown',
        architecture: 'unknown',
        digest,
        attestation: true,
        attests: Object.values(pushed.platforms)[position],
      })),
    ])
    expect(resolved.platforms?.map(platformName)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
      'unknown/unknown',
      'unknown/unknown',
      'unknown/unknown',
    ])
  })

  test('two entries of one platform and an entry without a platform are all listed, as images', async () => {
    const pushed = await pushEntries(registry.host, 'multi/odd', '1', [
      { image: 'linux/amd64' },
      { image: 'linux/amd64' },
      { image: 'linux/arm64', entryPlatform: null },
      // unknown/unknown without the attestation annotation is an image too.
      { image: 'linux/s390x', entryPlatform: { os: 'unknown', architecture: 'unknown' } },
    ])
    const resolved = await resolveDigest(image('multi/odd', { tag: '1' }))
    expect(resolved.platforms).toEqual([
      { os: 'linux', architecture: 'amd64', digest: pushed.entries[0] },
      { os: 'linux', architecture: 'amd64', digest: pushed.entries[1] },
      { digest: pushed.entries[2] },
      { os: 'unknown', architecture: 'unknown', digest: pushed.entries[3] },
    ])
    expect(pushed.entries[0]).not.toBe(pushed.entries[1])
  })

  test.each([
    ['an architecture that carries a workflow command', { os: 'linux', architecture: 'amd64\n::error::forged' }],
    ['an architecture spelt arm-v7', { os: 'linux', architecture: 'arm-v7' }],
    ['an upper-case os', { os: 'Linux', architecture: 'amd64' }],
    ['a variant with a slash', { os: 'linux', architecture: 'arm', variant: 'v7/x' }],
    ['a platform without an os', { architecture: 'amd64' }],
    ['an index inside the index', { os: 'linux', architecture: 'amd64' }, OCI_INDEX],
  ])('%s is refused with an error naming the index digest', async (_, entryPlatform, mediaType?: string) => {
    const repository = `multi/forged-${Math.random().toString(36).slice(2, 8)}`
    const pushed = await pushEntries(registry.host, repository, '1', [
      { image: 'linux/amd64', entryPlatform, ...(mediaType === undefined ? {} : { mediaType }) },
    ])
    const error = await rejection(resolveDigest(image(repository, { tag: '1' })), RegistryError)
    expect(error.message).toContain(`The index ${pushed.digest}`)
    expect(error.message).not.toMatch(/[\n\r]/)
  })

  test('a Docker manifest list lists its platforms too', async () => {
    const pushed = await pushIndex(registry.host, 'multi/docker', '1', ['linux/amd64', 'linux/s390x'], {
      format: 'docker',
    })
    const resolved = await resolveDigest(image('multi/docker', { tag: '1' }))
    expect(resolved).toEqual({
      digest: pushed.digest,
      mediaType: DOCKER_MANIFEST_LIST,
      platforms: [
        { os: 'linux', architecture: 'amd64', digest: pushed.platforms['linux/amd64'] },
        { os: 'linux', architecture: 's390x', digest: pushed.platforms['linux/s390x'] },
      ],
    })
  })

  test('by digest lists the same platforms', async () => {
    const pushed = await pushIndex(registry.host, 'multi/pinned', '1', ['linux/amd64', 'linux/arm64'])
    const resolved = await resolveDigest(image('multi/pinned', { digest: pushed.digest }))
    expect(resolved).toMatchObject({ digest: pushed.digest, mediaType: OCI_INDEX })
    expect(resolved.platforms?.map((platform) => platform.digest)).toEqual(Object.values(pushed.platforms))
  })
})

describe('a tag that does not exist', () => {
  test.each([
    // distribution 2.8 answers MANIFEST_UNKNOWN for an unknown repository too, not NAME_UNKNOWN.
    ['in a repository that exists', 'missing/app'],
    ['in a repository that does not', 'missing/nowhere'],
  ])('%s is a 404 with the registry’s own message', async (_case, repository) => {
    await pushImage(registry.host, 'missing/app', 'present')
    const error = await rejection(resolveDigest(image(repository, { tag: 'absent' })), RegistryError)
    expect(error).toMatchObject({ status: 404 })
    const message = error.message
    expect(message).toContain(`${registry.host}/${repository}:absent`)
    expect(message).toContain('(MANIFEST_UNKNOWN: manifest unknown {"Tag":"absent"})')
    expect(message).toContain(`The tag or digest absent does not exist in ${registry.host}/${repository}`)
  })
})

describe('a HEAD that gives no digest falls back to GET', () => {
  // The real registry's answers, with the HEAD answer altered as some registries and proxies alter it.
  const alterHead = (alter: (response: Response) => Response) => {
    const calls: string[] = []
    const altered: typeof fetch = async (input, init) => {
      calls.push(init?.method ?? 'GET')
      const response = await fetch(input, init)
      return init?.method === 'HEAD' ? alter(response) : response
    }
    return { calls, fetch: altered }
  }

  test.each([
    [
      'no Docker-Content-Digest',
      (response: Response) => {
        const headers = new Headers(response.headers)
        headers.delete('docker-content-digest')
        return new Response(null, { status: response.status, headers })
      },
    ],
    ['405 Method Not Allowed', () => new Response(null, { status: 405, statusText: 'Method Not Allowed' })],
  ])('%s', async (_case, alter) => {
    const pushed = await pushImage(registry.host, 'head/app', '1.0')
    const { calls, fetch } = alterHead(alter)
    const resolved = await resolveDigest(image('head/app', { tag: '1.0' }), { fetch })
    expect(resolved).toEqual({ digest: pushed.digest, mediaType: OCI_MANIFEST })
    expect(calls).toEqual(['HEAD', 'GET'])
  })

  test('a plain image manifest is read by the digest HEAD gave, which its bytes must hash to', async () => {
    const pushed = await pushImage(registry.host, 'head/plain', '1.0')
    const { calls, fetch } = alterHead((response) => response)
    const resolved = await resolveDigest(image('head/plain', { tag: '1.0' }), { fetch })
    expect(resolved).toEqual({ digest: pushed.digest, mediaType: OCI_MANIFEST })
    expect(calls).toEqual(['HEAD', 'GET'])
  })

  test('a HEAD that says image manifest for an index: the bytes say index, and every platform is listed', async () => {
    const pushed = await pushIndex(registry.host, 'head/lying', '1.0', ['linux/amd64', 'linux/arm64'])
    const { fetch } = alterHead((response) => {
      const headers = new Headers(response.headers)
      headers.set('content-type', OCI_MANIFEST)
      return new Response(null, { status: response.status, headers })
    })
    const resolved = await resolveDigest(image('head/lying', { tag: '1.0' }), { fetch })
    expect(resolved.digest).toBe(pushed.digest)
    expect(resolved.mediaType).toBe(OCI_INDEX)
    expect(resolved.platforms?.map((platform) => platform.digest)).toEqual(Object.values(pushed.platforms))
  })

  test('an index is read with GET by the digest HEAD gave, for its platforms', async () => {
    const pushed = await pushIndex(registry.host, 'head/multi', '1.0', ['linux/amd64'])
    const urls: string[] = []
    const recording: typeof fetch = async (input, init) => {
      urls.push(`${init?.method} ${String(input)}`)
      return fetch(input, init)
    }
    await resolveDigest(image('head/multi', { tag: '1.0' }), { fetch: recording })
    expect(urls).toEqual([
      `HEAD http://${registry.host}/v2/head/multi/manifests/1.0`,
      `GET http://${registry.host}/v2/head/multi/manifests/${pushed.digest}`,
    ])
  })
})

describe('the test registry never skips silently', () => {
  test('a missing binary is a thrown error that says how to install it', async () => {
    await expect(startRegistry({ binary: '/nonexistent/docker-registry' })).rejects.toThrow(
      /The test registry binary \/nonexistent\/docker-registry is missing: install Debian's docker-registry/,
    )
  })

  test('a binary that exits instead of serving is a thrown error', async () => {
    await expect(startRegistry({ binary: '/bin/false' })).rejects.toThrow(
      /The test registry \(\/bin\/false serve\) did not start: exited with code 1/,
    )
  })
})
