// What a manifest is comes from its bytes, fetched by digest: their mediaType, else their shape; never the
// Content-Type or the HEAD, which a proxy or a lying registry can set apart from the body.
import { createHash } from 'node:crypto'
import { beforeEach, describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import { forgetTokens, OCI_INDEX, OCI_MANIFEST, resolveDigest } from '../../src/image/registry.js'
import { rejection } from '../support/rejection.js'

beforeEach(() => forgetTokens())

const image = { registry: 'registry.example.com', repository: 'org/app', tag: '1.0' }
const child = `sha256:${'b'.repeat(64)}`
const index = {
  schemaVersion: 2,
  manifests: [{ digest: child, size: 1, platform: { os: 'linux', architecture: 'amd64' } }],
}
const manifest = { schemaVersion: 2, config: { digest: child, size: 1 }, layers: [] }

/** A registry whose HEAD and Content-Type both say `headerType`, whatever the bytes are. */
function registryServing(document: object, headerType: string): { fetch: typeof fetch; calls: string[] } {
  const bytes = JSON.stringify(document)
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  const calls: string[] = []
  const headers = { 'Content-Type': headerType, 'Docker-Content-Digest': digest }
  return {
    calls,
    fetch: async (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`)
      return new Response(init?.method === 'HEAD' ? null : bytes, { headers })
    },
  }
}

describe('the media type is read from the bytes', () => {
  test('an index without a mediaType field, served as an image manifest, is an index by its shape', async () => {
    const { fetch, calls } = registryServing(index, OCI_MANIFEST)
    const resolved = await resolveDigest(image, { fetch })
    expect(resolved.mediaType).toBe(OCI_INDEX)
    expect(resolved.platforms?.map((platform) => platform.digest)).toEqual([child])
    expect(calls).toEqual(['HEAD /v2/org/app/manifests/1.0', `GET /v2/org/app/manifests/${resolved.digest}`])
  })

  test('an index that says so, served as an image manifest, is an index', async () => {
    const { fetch } = registryServing({ ...index, mediaType: OCI_INDEX }, OCI_MANIFEST)
    expect((await resolveDigest(image, { fetch })).mediaType).toBe(OCI_INDEX)
  })

  test('an image manifest without a mediaType field, served as an index, is an image by its layers', async () => {
    const { fetch } = registryServing(manifest, OCI_INDEX)
    const resolved = await resolveDigest(image, { fetch })
    expect(resolved.mediaType).toBe(OCI_MANIFEST)
    expect(resolved.platforms).toBeUndefined()
  })

  test('a mediaType its own content contradicts is refused, not guessed', async () => {
    const { fetch } = registryServing({ ...index, mediaType: OCI_MANIFEST }, OCI_MANIFEST)
    const error = await rejection(resolveDigest(image, { fetch }), RegistryError)
    expect(error.message).toContain(`whose mediaType ${OCI_MANIFEST} contradicts its content`)
  })
})
