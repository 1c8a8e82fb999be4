// A loopback front for a real (unauthenticated) registry that speaks distribution's bearer token flow: /v2/… is
// challenged until a token from /token is presented, then proxied. Every request is recorded for assertions.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RegistryCredentials } from './registry.js'

export interface RecordedRequest {
  method: string
  /** Path and query, as received. */
  path: string
  /** The scheme of the Authorization header the client sent. */
  authorization: 'none' | 'basic' | 'bearer'
  /** challenged: 401 with a Bearer challenge; proxied: passed to the registry; token/token-denied: at /token. */
  outcome: 'challenged' | 'proxied' | 'token' | 'token-denied'
}

export interface TokenServer {
  /** `127.0.0.1:PORT`, to use as the image's registry. */
  host: string
  requests: RecordedRequest[]
  stop(): Promise<void>
}

export interface TokenServerOptions {
  /** The real registry behind it, `127.0.0.1:PORT`. */
  upstream: string
  /** When set, /token requires these basic credentials; otherwise it hands tokens to anyone, as Docker Hub does. */
  credentials?: RegistryCredentials
  /** The field the token comes in: `token` (distribution) or `access_token` (OAuth2 style). */
  tokenField?: 'token' | 'access_token'
}

export const TOKEN_SERVICE = 'test-registry'
const PROXIED_HEADERS = ['content-type', 'content-length', 'docker-content-digest', 'docker-distribution-api-version']

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: RecordedRequest[] = []
  // token → the scope it grants
  const tokens = new Map<string, string>()
  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(502).end(String(error))
    })
  })

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${host}`)
    const header = request.headers.authorization ?? ''
    const scheme = header.split(' ', 1)[0]?.toLowerCase()
    const record = (outcome: RecordedRequest['outcome']): void => {
      requests.push({
        method: request.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        authorization: scheme === 'basic' || scheme === 'bearer' ? scheme : 'none',
        outcome,
      })
    }

    if (url.pathname === '/token') {
      if (options.credentials !== undefined && header !== basic(options.credentials)) {
        record('token-denied')
        response.writeHead(401, { 'Content-Type': 'application/json' })
        response.end(JSON.stringify({ details: 'incorrect username or password' }))
        return
      }
      const token = randomBytes(16).toString('hex')
      tokens.set(token, url.searchParams.get('scope') ?? '')
      record('token')
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ [options.tokenField ?? 'token']: token, expires_in: 300 }))
      return
    }

    const repository = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1]
    const scope = repository === undefined ? '' : `repository:${repository}:pull`
    const presented = scheme === 'bearer' ? header.slice('bearer '.length) : undefined
    const granted = presented === undefined ? undefined : tokens.get(presented)
    if (granted === undefined || (scope !== '' && granted !== scope)) {
      record('challenged')
      const scopeParam = scope === '' ? '' : `,scope="${scope}"`
      response.writeHead(401, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': `Bearer realm="http://${host}/token",service="${TOKEN_SERVICE}"${scopeParam}`,
      })
      response.end(
        JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] }),
      )
      return
    }

    record('proxied')
    const upstream = await fetch(`http://${options.upstream}${url.pathname}${url.search}`, {
      method: request.method ?? 'GET',
      headers: request.headers.accept === undefined ? {} : { Accept: request.headers.accept },
    })
    const body = Buffer.from(await upstream.arrayBuffer())
    const headers: Record<string, string> = {}
    for (const name of PROXIED_HEADERS) {
      const value = upstream.headers.get(name)
      if (value !== null) headers[name] = value
    }
    response.writeHead(upstream.status, headers)
    response.end(request.method === 'HEAD' ? undefined : body)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function basic({ username, password }: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}
