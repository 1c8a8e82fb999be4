// Registry authentication, as docker does it: send the request, and on a 401 answer the WWW-Authenticate challenge
// (Bearer: fetch a token from the realm; Basic: send the credentials) and retry once. Tokens are kept for the run.
import { createHash } from 'node:crypto'
import { readCapped, readErrorText } from '../capped-body.js'
import { RegistryError } from '../errors.js'
import type { RegistryCredentials } from './credentials.js'
import { dockerConfigCredentials, type DockerConfig } from './docker-config.js'
import { isLoopbackRegistry } from './reference.js'
import type { Identity, RegistrySession } from './session.js'
import { send } from './transport.js'

// A token answer is a JWT or two in JSON: a few KiB. Anything near this is not one.
const TOKEN_LIMIT = 1024 * 1024

export interface Challenge {
  /** Lower case: `bearer` or `basic`. */
  scheme: string
  params: Record<string, string>
}

/** The registry-username/registry-password inputs win; else the docker config's entry for the registry; else none. */
export function chooseIdentity(
  registry: string,
  credentials: RegistryCredentials | undefined,
  dockerConfig: DockerConfig | undefined,
): Identity {
  if (credentials !== undefined) return { source: 'inputs', credentials }
  const fromConfig = dockerConfigCredentials(dockerConfig, registry)
  if (fromConfig !== undefined) {
    return {
      source: 'docker config',
      credentials: fromConfig,
      ...(dockerConfig?.path ? { configPath: dockerConfig.path } : {}),
    }
  }
  return { source: 'anonymous' }
}

/** Says which credentials were tried, for a 401 message: never the secrets themselves. */
export function describeIdentity(identity: Identity, registry: string): string {
  switch (identity.source) {
    case 'inputs':
      return `tried the registry-username/registry-password inputs (user ${identity.credentials?.username ?? ''})`
    case 'docker config':
      return `tried the docker config entry for ${registry}${identity.configPath ? ` in ${identity.configPath}` : ''} (user ${identity.credentials?.username ?? ''})`
    case 'anonymous':
      return `tried anonymously: no registry-username/registry-password inputs and no docker config entry for ${registry}`
  }
}

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. Quoted values may contain commas. */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header === null ? null : /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header)
  if (match === null) return undefined
  const params: Record<string, string> = {}
  for (const param of (match[2] ?? '').matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[param[1]!.toLowerCase()] = param[2] === undefined ? (param[3] ?? '') : param[2].replace(/\\(.)/g, '$1')
  }
  return { scheme: match[1]!.toLowerCase(), params }
}

interface CachedAuthorization {
  header: string
  expiresAt: number
}

const authorizations = new Map<string, CachedAuthorization>()

/** Forgets every cached token. The cache lives for the run; tests start afresh with this. */
export function forgetTokens(): void {
  authorizations.clear()
}

/**
 * Sends a request with the cached authorization for this registry, repository and identity, if any. On a 401 with a
 * challenge it can answer, it authorizes and retries once. Network failures become RegistryErrors with the cause.
 * Challenges are answered only when they come from the registry's own origin (the origin of `url`): a 401 from a
 * host a redirect led to must not receive the credentials.
 */
export async function sendAuthorized(session: RegistrySession, url: string, init: RequestInit): Promise<Response> {
  const key = cacheKey(session)
  const cached = authorizations.get(key)
  const usable = cached !== undefined && cached.expiresAt > Date.now() ? cached.header : undefined
  const registry = new URL(url)
  const first = await send(session, url, init, usable)
  if (first.response.status !== 401) return first.response
  if (first.url.origin !== registry.origin) {
    await first.response.body?.cancel()
    throw new RegistryError(
      `${session.registry} redirected the request for ${session.image} to ${first.url.origin}, which asked for ` +
        'credentials; vouch answers authentication challenges only from the registry itself',
      401,
    )
  }
  const header = await answerChallenge(
    session,
    parseChallenge(first.response.headers.get('www-authenticate')),
    registry,
  )
  if (header === undefined) return first.response
  await first.response.body?.cancel()
  authorizations.set(key, header)
  return (await send(session, url, init, header.header)).response
}

async function answerChallenge(
  session: RegistrySession,
  challenge: Challenge | undefined,
  registry: URL,
): Promise<CachedAuthorization | undefined> {
  const credentials = session.identity.credentials
  if (challenge?.scheme === 'basic') {
    if (credentials === undefined) return undefined
    return { header: basicAuthorization(credentials), expiresAt: Number.POSITIVE_INFINITY }
  }
  if (challenge?.scheme === 'bearer' && challenge.params.realm !== undefined) {
    return fetchToken(session, challenge.params, registry)
  }
  return undefined
}

// The token endpoint of distribution's token auth spec: GET realm?service=…&scope=…, with Basic credentials if any.
async function fetchToken(
  session: RegistrySession,
  params: Record<string, string>,
  registry: URL,
): Promise<CachedAuthorization> {
  const realm = tokenRealm(session, params.realm!, registry)
  if (params.service !== undefined) realm.searchParams.set('service', params.service)
  // A challenge without a scope (some registries send it on /v2/ only) still needs pull access to the repository.
  realm.searchParams.set('scope', params.scope ?? `repository:${session.repository}:pull`)
  const credentials = session.identity.credentials
  const authorization = credentials === undefined ? undefined : basicAuthorization(credentials)
  const { response } = await send(
    session,
    realm.href,
    { method: 'GET', headers: { Accept: 'application/json' } },
    authorization,
  )
  if (!response.ok) {
    const body = await readErrorText(response)
    const { status, statusText } = response
    const own = registryMessage(body)
    const denied = status === 401 || status === 403 ? `; ${describeIdentity(session.identity, session.registry)}` : ''
    throw new RegistryError(
      `The token service of ${session.registry} (${realm.origin}${realm.pathname}) answered ${status}` +
        `${statusText ? ` ${statusText}` : ''}${own ? ` (${own})` : ''} for ${session.image}${denied}`,
      status,
    )
  }
  const bytes = await readCapped(response, TOKEN_LIMIT)
  if (bytes === undefined) {
    throw new RegistryError(
      `The token service of ${session.registry} (${realm.origin}${realm.pathname}) sent more than ${TOKEN_LIMIT} bytes for ${session.image}; not read`,
    )
  }
  let token: unknown
  let expiresIn: unknown
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>
    token = parsed.token ?? parsed.access_token
    expiresIn = parsed.expires_in
  } catch {
    token = undefined
  }
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(
      `The token service of ${session.registry} (${realm.origin}${realm.pathname}) gave no token for ${session.image}`,
    )
  }
  // The spec's default lifetime is 60 s; keep a margin so a token never expires between check and use.
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60
  return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(seconds - 10, 0) * 1000 }
}

// Credentials must not travel in clear text: a plain-http realm is accepted only from a plain-http (loopback)
// registry, and only on loopback itself; an https registry's realm must be https too.
function tokenRealm(session: RegistrySession, realm: string, registry: URL): URL {
  let url: URL
  try {
    url = new URL(realm)
  } catch {
    throw new RegistryError(`${session.registry} named a token realm that is not a URL: ${JSON.stringify(realm)}`)
  }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && registry.protocol === 'http:' && isLoopbackRegistry(url.host)) return url
  throw new RegistryError(
    `${session.registry} sent vouch to the token realm ${url.origin}, which is not https; refusing to send credentials there`,
  )
}

/**
 * The registry's own words from an error body: distribution's {"errors":[{"code","message","detail"}]}, a token
 * service's {"details"} or {"message"}, or the text itself (a proxy's HTML page), made one bounded line.
 */
export function registryMessage(body: string): string {
  let text = body
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>
    if (Array.isArray(parsed.errors)) {
      text = (parsed.errors as Array<Record<string, unknown> | null>).map(describeDistributionError).join('; ')
    } else {
      text =
        [parsed.details, parsed.message, parsed.error].find((value): value is string => typeof value === 'string') ?? ''
    }
  } catch {
    // Not JSON: the text itself.
  }
  // Registry text is untrusted: one line, no control characters, bounded.
  const oneLine = text.replace(/[\p{Cc}\s]+/gu, ' ').trim()
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine
}

function describeDistributionError(error: Record<string, unknown> | null): string {
  const part = (value: unknown): string => (typeof value === 'string' ? value : '')
  const detail = error?.detail
  const detailText =
    typeof detail === 'string' ? detail : detail === undefined || detail === null ? '' : JSON.stringify(detail)
  return [part(error?.code), part(error?.message)].filter(Boolean).join(': ') + (detailText ? ` ${detailText}` : '')
}

function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}

// Tokens are per registry, repository and identity; the password enters the key only as a hash.
function cacheKey(session: RegistrySession): string {
  const { credentials, source } = session.identity
  const secret =
    credentials === undefined
      ? ''
      : createHash('sha256').update(`${credentials.username}:${credentials.password}`).digest('hex')
  return [session.registry, session.repository, source, secret].join('\n')
}
