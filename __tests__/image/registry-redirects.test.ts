// Credentials go only to the registry's own origin and its https token realm: a redirect to another host whose 401
// names a realm, a plain-http realm from an https registry, and a redirect from https to plain http are all refused.
// Every server is a loopback one; the https registry is `registry.example.test`, routed by an injected fetch to a
// loopback front, and 127.0.0.2 (loopback to the kernel, not to vouch) stands for a host off loopback.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import { forgetTokens, resolveDigest } from '../../src/image/registry.js'
import { pushImage } from '../support/push.js'
import { useRegistry } from '../support/registry.js'
import { rejection } from '../support/rejection.js'

interface Seen {
  method: string
  path: string
  authorization?: string
}

interface Front {
  host: string
  seen: Seen[]
}

const servers: http.Server[] = []
const registry = useRegistry()
beforeEach(() => forgetTokens())
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)))),
  )
})

type Answer = { status: number; headers?: Record<string, string> } | 'proxy'

/** A loopback server that records each request and answers with `answer`, or proxies to the real registry. */
async function front(
  answer: (request: http.IncomingMessage, self: string) => Answer,
  address = '127.0.0.1',
): Promise<Front> {
  const seen: Seen[] = []
  let host = ''
  const server = http.createServer((request, response) => {
    seen.push({
      method: request.method ?? 'GET',
      path: request.url ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    })
    const decided = answer(request, host)
    if (decided !== 'proxy') return void response.writeHead(decided.status, decided.headers).end()
    void fetch(`http://${registry.host}${request.url}`, {
      method: request.method ?? 'GET',
      headers: { Accept: request.headers.accept ?? '*/*' },
    }).then(async (upstream) => {
      const headers: Record<string, string> = {}
      for (const name of ['content-type', 'docker-content-digest', 'content-length']) {
        const value = upstream.headers.get(name)
        if (value !== null) headers[name] = value
      }
      response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()))
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  host = `${address}:${(server.address() as AddressInfo).port}`
  return { host, seen }
}

const credentials = { username: 'robot', password: 'hunter2-SECRET' }

/** https://registry.example.test, served by the loopback `target`. */
const httpsRegistry = (target: Front): typeof fetch => {
  return (input, init) => fetch(String(input).replace('https://registry.example.test', `http://${target.host}`), init)
}

describe('a redirect to another host', () => {
  test('whose 401 names a token realm: the realm gets nothing, the credentials stay home', async () => {
    const other = await front((request, self): Answer =>
      request.url?.startsWith('/token')
        ? { status: 200, headers: { 'Content-Type': 'application/json' } }
        : { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="http://${self}/token",service="x"` } },
    )
    const origin = await front((request) => ({
      status: 307,
      headers: { Location: `http://${other.host}${request.url}` },
    }))
    const { message } = await rejection(
      resolveDigest({ registry: origin.host, repository: 'org/app', tag: '1.0' }, { credentials }),
      RegistryError,
    )
    expect(message).toContain(`redirected the request for ${origin.host}/org/app:1.0 to http://${other.host}`)
    expect(other.seen.map((request) => request.path)).toEqual(['/v2/org/app/manifests/1.0'])
    expect(other.seen.some((request) => request.authorization !== undefined)).toBe(false)
  })

  test('that serves the manifest itself is followed, and resolves as usual', async () => {
    const pushed = await pushImage(registry.host, 'redirect/app', '1.0')
    const origin = await front((request) => ({
      status: 307,
      headers: { Location: `http://${registry.host}${request.url}` },
    }))
    const resolved = await resolveDigest({ registry: origin.host, repository: 'redirect/app', tag: '1.0' })
    expect(resolved.digest).toBe(pushed.digest)
  })
})

test('credentials sent to the registry do not follow its redirect to another host', async () => {
  const pushed = await pushImage(registry.host, 'redirect/private', '1.0')
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  const other = await front(() => 'proxy')
  const origin = await front((request): Answer =>
    request.headers.authorization === basic
      ? { status: 307, headers: { Location: `http://${other.host}${request.url}` } }
      : { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="origin"' } },
  )
  const resolved = await resolveDigest(
    { registry: origin.host, repository: 'redirect/private', tag: '1.0' },
    { credentials },
  )
  expect(resolved.digest).toBe(pushed.digest)
  expect(origin.seen.filter((request) => request.authorization === basic).length).toBeGreaterThan(0)
  expect(other.seen.length).toBeGreaterThan(0)
  expect(other.seen.filter((request) => request.authorization !== undefined)).toEqual([])
})

describe('an https registry', () => {
  test('whose challenge names a plain-http realm, even on loopback: no request goes there', async () => {
    const realm = await front(() => ({ status: 200, headers: { 'Content-Type': 'application/json' } }))
    const target = await front(() => ({
      status: 401,
      headers: { 'WWW-Authenticate': `Bearer realm="http://${realm.host}/token",service="x"` },
    }))
    const { message } = await rejection(
      resolveDigest(
        { registry: 'registry.example.test', repository: 'org/app', tag: '1.0' },
        { credentials, fetch: httpsRegistry(target) },
      ),
      RegistryError,
    )
    expect(message).toContain(`token realm http://${realm.host}, which is not https`)
    expect(realm.seen).toEqual([])
  })

  test('that redirects to plain http off loopback: the redirect is not followed', async () => {
    await pushImage(registry.host, 'downgrade/app', '1.0')
    const plain = await front(() => 'proxy', '127.0.0.2')
    const target = await front((request) => ({
      status: 307,
      headers: { Location: `http://${plain.host}${request.url}` },
    }))
    const { message } = await rejection(
      resolveDigest(
        { registry: 'registry.example.test', repository: 'downgrade/app', tag: '1.0' },
        { fetch: httpsRegistry(target) },
      ),
      RegistryError,
    )
    expect(message).toContain(`from https to http://${plain.host}; vouch follows no redirect to plain http`)
    expect(plain.seen).toEqual([])
  })
})
