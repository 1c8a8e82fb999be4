// The bearer token flow (Docker Hub, GHCR, ECR…): challenge, token from the realm, retried request; tokens kept for
// the run. A loopback token server fronts a real registry and records every request.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import { forgetTokens, resolveDigest } from '../../src/image/registry.js'
import { pushImage, pushIndex } from '../support/push.js'
import { useRegistry } from '../support/registry.js'
import { startTokenServer, TOKEN_SERVICE, type TokenServer, type TokenServerOptions } from '../support/token-server.js'

const servers: TokenServer[] = []
const registry = useRegistry()
beforeEach(() => forgetTokens())
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function tokenServer(options: Omit<TokenServerOptions, 'upstream'>): Promise<TokenServer> {
  const server = await startTokenServer({ upstream: registry.host, ...options })
  servers.push(server)
  return server
}

const tokenPath = (repository: string): string =>
  `/token?service=${TOKEN_SERVICE}&scope=${encodeURIComponent(`repository:${repository}:pull`)}`

describe('challenge → token → retried request', () => {
  test.each(['token', 'access_token'] as const)('anonymous, with the token in `%s`', async (tokenField) => {
    const pushed = await pushImage(registry.host, 'bearer/anonymous', '1.0')
    const server = await tokenServer({ tokenField })
    const resolved = await resolveDigest({ registry: server.host, repository: 'bearer/anonymous', tag: '1.0' })

    expect(resolved.digest).toBe(pushed.digest)
    expect(server.requests).toEqual([
      { method: 'HEAD', path: '/v2/bearer/anonymous/manifests/1.0', authorization: 'none', outcome: 'challenged' },
      { method: 'GET', path: tokenPath('bearer/anonymous'), authorization: 'none', outcome: 'token' },
      { method: 'HEAD', path: '/v2/bearer/anonymous/manifests/1.0', authorization: 'bearer', outcome: 'proxied' },
      // The manifest is read by the digest HEAD gave: its bytes say what it is.
      {
        method: 'GET',
        path: `/v2/bearer/anonymous/manifests/${pushed.digest}`,
        authorization: 'bearer',
        outcome: 'proxied',
      },
    ])
  })

  test('with credentials, which go to the realm as basic auth and nowhere else', async () => {
    const credentials = { username: 'robot', password: 'hunter2' }
    const pushed = await pushImage(registry.host, 'bearer/private', '1.0')
    const server = await tokenServer({ credentials })
    const resolved = await resolveDigest(
      { registry: server.host, repository: 'bearer/private', tag: '1.0' },
      { credentials },
    )

    expect(resolved.digest).toBe(pushed.digest)
    expect(server.requests.map(({ path, authorization, outcome }) => [path, authorization, outcome])).toEqual([
      ['/v2/bearer/private/manifests/1.0', 'none', 'challenged'],
      [tokenPath('bearer/private'), 'basic', 'token'],
      ['/v2/bearer/private/manifests/1.0', 'bearer', 'proxied'],
      [`/v2/bearer/private/manifests/${pushed.digest}`, 'bearer', 'proxied'],
    ])
  })

  test('an index: the token from the HEAD is reused for the GET of its body', async () => {
    const pushed = await pushIndex(registry.host, 'bearer/multi', '1.0', ['linux/amd64', 'linux/arm64'])
    const server = await tokenServer({})
    const resolved = await resolveDigest({ registry: server.host, repository: 'bearer/multi', tag: '1.0' })

    expect(resolved.platforms?.map((platform) => platform.digest)).toEqual(Object.values(pushed.platforms))
    expect(server.requests.map(({ method, path, outcome }) => `${method} ${path} ${outcome}`)).toEqual([
      'HEAD /v2/bearer/multi/manifests/1.0 challenged',
      `GET ${tokenPath('bearer/multi')} token`,
      'HEAD /v2/bearer/multi/manifests/1.0 proxied',
      `GET /v2/bearer/multi/manifests/${pushed.digest} proxied`,
    ])
  })
})

describe('tokens are kept for the run', () => {
  test('a second resolution of the same repository sends the token at once', async () => {
    const pushed = await pushImage(registry.host, 'bearer/cached', '1.0')
    const server = await tokenServer({})
    const ref = { registry: server.host, repository: 'bearer/cached', tag: '1.0' }
    await resolveDigest(ref)
    server.requests.length = 0

    await resolveDigest(ref)
    expect(server.requests).toEqual([
      { method: 'HEAD', path: '/v2/bearer/cached/manifests/1.0', authorization: 'bearer', outcome: 'proxied' },
      {
        method: 'GET',
        path: `/v2/bearer/cached/manifests/${pushed.digest}`,
        authorization: 'bearer',
        outcome: 'proxied',
      },
    ])
  })

  test('another repository needs a token of its own scope', async () => {
    await pushImage(registry.host, 'bearer/first', '1.0')
    await pushImage(registry.host, 'bearer/second', '1.0')
    const server = await tokenServer({})
    await resolveDigest({ registry: server.host, repository: 'bearer/first', tag: '1.0' })
    server.requests.length = 0

    await resolveDigest({ registry: server.host, repository: 'bearer/second', tag: '1.0' })
    expect(server.requests.map(({ outcome }) => outcome)).toEqual(['challenged', 'token', 'proxied', 'proxied'])
  })
})

test('a token service that refuses the credentials is a 401 naming them, without the password', async () => {
  await pushImage(registry.host, 'bearer/refused', '1.0')
  const server = await tokenServer({ credentials: { username: 'robot', password: 'hunter2' } })
  const error = await resolveDigest(
    { registry: server.host, repository: 'bearer/refused', tag: '1.0' },
    { credentials: { username: 'robot', password: 'wrong-password' } },
  ).catch((e: unknown) => e)

  expect(error).toBeInstanceOf(RegistryError)
  expect(error).toMatchObject({ status: 401 })
  const message = (error as Error).message
  expect(message).toContain(
    `The token service of ${server.host} (http://${server.host}/token) answered 401 Unauthorized (incorrect username or password)`,
  )
  expect(message).toContain('tried the registry-username/registry-password inputs (user robot)')
  expect(message).not.toContain('wrong-password')
})
