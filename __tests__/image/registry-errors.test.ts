// Registry failures a real local registry cannot be made to produce (403, 429, 5xx, a lying registry), through an
// injected fetch that answers as those registries do; and a real refused connection.
import net from 'node:net'
import { beforeEach, describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import type { Digest, ImageReference } from '../../src/image/reference.js'
import { forgetTokens, OCI_MANIFEST, resolveDigest, type RegistryOptions } from '../../src/image/registry.js'

beforeEach(() => forgetTokens())

const image: ImageReference = { registry: 'registry.example.com', repository: 'org/app', tag: '1.0' }
const DIGEST = `sha256:${'a'.repeat(64)}`

interface Call {
  method: string
  url: string
}

/** A registry that answers every request with `answer(method)`; records what was asked. */
function fakeRegistry(answer: (method: string, url: string) => Response): { calls: Call[]; fetch: typeof fetch } {
  const calls: Call[] = []
  return {
    calls,
    fetch: async (input, init) => {
      const call = { method: init?.method ?? 'GET', url: String(input) }
      calls.push(call)
      return answer(call.method, call.url)
    },
  }
}

const distributionError = (code: string, message: string): string =>
  JSON.stringify({ errors: [{ code, message, detail: null }] })

async function failure(ref: ImageReference, options: RegistryOptions): Promise<RegistryError> {
  const error = await resolveDigest(ref, options).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(RegistryError)
  return error as RegistryError
}

describe('an error answer becomes a RegistryError with the status and the registry’s own message', () => {
  test.each([
    {
      status: 403,
      statusText: 'Forbidden',
      body: distributionError('DENIED', 'requested access to the resource is denied'),
      expected: [
        'answered 403 Forbidden (DENIED: requested access to the resource is denied)',
        'Access to org/app is denied; tried anonymously',
      ],
    },
    {
      status: 500,
      statusText: 'Internal Server Error',
      body: distributionError('UNKNOWN', 'unknown error'),
      expected: [
        'answered 500 Internal Server Error (UNKNOWN: unknown error)',
        'The registry failed to answer; try again later.',
      ],
    },
    {
      status: 502,
      statusText: 'Bad Gateway',
      body: '<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n',
      expected: [
        'answered 502 Bad Gateway (<html> <head><title>502 Bad Gateway</title></head> </html>)',
        'try again later',
      ],
    },
    {
      status: 503,
      statusText: 'Service Unavailable',
      body: '',
      expected: ['answered 503 Service Unavailable. The registry failed to answer'],
    },
  ])('$status', async ({ status, statusText, body, expected }) => {
    // HEAD answers carry no body, so the client asks again with GET to read the registry's message.
    const registry = fakeRegistry((method) => new Response(method === 'HEAD' ? null : body, { status, statusText }))
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.status).toBe(status)
    expect(error.message).toContain('Could not resolve registry.example.com/org/app:1.0: registry.example.com answered')
    for (const text of expected) expect(error.message).toContain(text)
    expect(registry.calls.map(({ method }) => method)).toEqual(['HEAD', 'GET'])
  })

  test('429 on HEAD: rate-limited, with Retry-After, and no GET that would count against the limit', async () => {
    const registry = fakeRegistry(
      () => new Response(null, { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '60' } }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.status).toBe(429)
    expect(error.message).toContain('answered 429 Too Many Requests')
    expect(error.message).toContain('The registry is rate-limiting requests; it asks to retry after 60 seconds.')
    expect(registry.calls).toHaveLength(1)
  })

  test('429 on GET of a digest, with Docker Hub’s message and no Retry-After', async () => {
    const hubMessage =
      'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit'
    const registry = fakeRegistry(
      () =>
        new Response(distributionError('TOOMANYREQUESTS', hubMessage), {
          status: 429,
          statusText: 'Too Many Requests',
        }),
    )
    const error = await failure({ ...image, tag: undefined, digest: DIGEST as Digest }, { fetch: registry.fetch })
    expect(error.message).toContain(`(TOOMANYREQUESTS: ${hubMessage})`)
    expect(error.message).toMatch(/The registry is rate-limiting requests\.$/)
  })

  test('a registry message with line breaks and control characters is kept to one line', async () => {
    const registry = fakeRegistry(
      () => new Response(distributionError('DENIED', 'denied\n::error::forged\u0007'), { status: 403 }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.message).toContain('(DENIED: denied ::error::forged)')
    expect(error.message).not.toContain('\n')
    expect(error.message).not.toContain('\u0007')
  })
})

describe('a registry that returns another manifest than the one asked for is refused', () => {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] })

  test('a pinned digest whose body hashes differently', async () => {
    const registry = fakeRegistry(() => new Response(manifest, { headers: { 'Content-Type': OCI_MANIFEST } }))
    const error = await failure({ ...image, digest: DIGEST as Digest }, { fetch: registry.fetch })
    expect(error.message).toMatch(
      /returned a manifest for registry\.example\.com\/org\/app:1\.0@sha256:a+ whose sha256 is sha256:[0-9a-f]{64}, not sha256:a+$/,
    )
  })

  test('a tag whose Docker-Content-Digest disagrees with the body', async () => {
    const registry = fakeRegistry((method) =>
      method === 'HEAD'
        ? new Response(null, { status: 405 })
        : new Response(manifest, { headers: { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': DIGEST } }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.message).toContain(`, not ${DIGEST}`)
  })

  test('a body that is not a JSON manifest', async () => {
    const registry = fakeRegistry((method) =>
      method === 'HEAD' ? new Response(null, { status: 405 }) : new Response('<html>login</html>', { status: 200 }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.message).toContain(
      'returned something that is not a JSON manifest for registry.example.com/org/app:1.0',
    )
  })

  test('a schema 1 manifest, which vouch does not read', async () => {
    const schema1 = 'application/vnd.docker.distribution.manifest.v1+prettyjws'
    const registry = fakeRegistry((method) =>
      method === 'HEAD'
        ? new Response(null, { status: 405 })
        : new Response(JSON.stringify({ schemaVersion: 1, name: 'org/app', tag: '1.0', fsLayers: [] }), {
            headers: { 'Content-Type': schema1 },
          }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    // The Content-Type says schema 1; the bytes have no mediaType, no manifests and no layers: not read either way.
    expect(error.message).toContain(
      'returned a manifest without a media type for registry.example.com/org/app:1.0; vouch reads OCI and Docker v2',
    )
  })
})

describe('authentication challenges that cannot be answered safely', () => {
  test('a plain-http token realm for a registry off loopback is refused before any credentials go there', async () => {
    const registry = fakeRegistry(
      () =>
        new Response(null, {
          status: 401,
          headers: {
            'WWW-Authenticate': 'Bearer realm="http://auth.example.com/token",service="registry.example.com"',
          },
        }),
    )
    const error = await failure(image, { fetch: registry.fetch, credentials: { username: 'u', password: 'p' } })
    expect(error.message).toContain(
      'token realm http://auth.example.com, which is not https; refusing to send credentials there',
    )
    expect(registry.calls.map(({ url }) => new URL(url).host)).toEqual(['registry.example.com'])
  })

  test('a Basic challenge with no credentials to answer it is the 401 itself', async () => {
    const registry = fakeRegistry(
      () =>
        new Response(distributionError('UNAUTHORIZED', 'authentication required'), {
          status: 401,
          statusText: 'Unauthorized',
          headers: { 'WWW-Authenticate': 'Basic realm="Registry Realm"' },
        }),
    )
    const error = await failure(image, { fetch: registry.fetch })
    expect(error.message).toContain('answered 401 Unauthorized (UNAUTHORIZED: authentication required)')
    expect(error.message).toContain('tried anonymously')
  })
})

test('a refused connection is a RegistryError that keeps the network error as its cause', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))

  const error = await failure({ registry: `127.0.0.1:${port}`, repository: 'org/app', tag: '1.0' }, {})
  expect(error.message).toContain(`Could not reach 127.0.0.1:${port} to resolve 127.0.0.1:${port}/org/app:1.0`)
  expect(error.message).toContain('ECONNREFUSED')
  expect(error.cause).toBeInstanceOf(Error)
})
