// One registry request: fetch with a timeout, following redirects by hand so that credentials stay with the origin
// they were meant for and no redirect leaves https for plain http off loopback.
import { HttpHeaders } from '../http.js'
import * as core from '@actions/core'
import { RegistryError } from '../errors.js'
import type { RegistrySession } from './session.js'
import { isLoopbackRegistry } from './reference.js'

/** How long one registry request may take, body included. */
const REQUEST_TIMEOUT_MS = 60_000
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * fetch, following redirects itself: the Authorization header goes only to the origin it was meant for, and a
 * redirect from https to plain http is refused unless it leads to loopback. Network failures (refused, DNS, TLS)
 * become a RegistryError that names the image and keeps the cause. Returns the answer and where it came from.
 */
export async function send(
  session: RegistrySession,
  url: string,
  init: RequestInit,
  authorization?: string,
): Promise<{ response: Response; url: URL }> {
  let current = new URL(url)
  const origin = current.origin
  for (let hop = 0; ; hop++) {
    const headers = new HttpHeaders(init.headers)
    headers.set('User-Agent', session.userAgent)
    if (authorization !== undefined && current.origin === origin) headers.set('Authorization', authorization)
    const response = await fetchOnce(session, current, { ...init, headers })
    const location = response.headers.get('location')
    if (!REDIRECTS.has(response.status) || location === null) return { response, url: current }
    await response.body?.cancel()
    const next = new URL(location, current)
    if (hop + 1 >= MAX_REDIRECTS) {
      throw new RegistryError(`${session.registry} redirected the request for ${session.image} too many times`)
    }
    if (!['https:', 'http:'].includes(next.protocol) || isDowngrade(next)) {
      throw new RegistryError(
        `${current.host} redirected the request for ${session.image} from ${current.protocol.slice(0, -1)} to ` +
          `${next.origin}; vouch follows no redirect to plain http off loopback`,
      )
    }
    core.debug(`${response.status} redirect to ${next.origin}${next.pathname}`)
    current = next
  }
}

// Plain http only ever to loopback, as for the registry itself: a redirect must not take the request off https.
function isDowngrade(to: URL): boolean {
  return to.protocol !== 'https:' && !isLoopbackRegistry(to.host)
}

async function fetchOnce(session: RegistrySession, url: URL, init: RequestInit): Promise<Response> {
  core.debug(`${init.method ?? 'GET'} ${url.href}`)
  try {
    // A registry that stops answering must not hold the job until its own timeout.
    return await session.fetch(url.href, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      ...init,
      redirect: 'manual',
    })
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new RegistryError(`Could not reach ${url.host} to resolve ${session.image}: ${reason}`, undefined, {
      cause: error,
    })
  }
}
