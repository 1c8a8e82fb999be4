// Downloads one release asset to a file with Node's fetch, hashing it as it arrives. Retries what a retry can fix
// (network errors, 5xx, 429), never what it cannot (404, 401, 403); a stalled body is cut by a read timeout.
import { httpFetch } from '../http.js'
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { DownloadError, errorMessage } from '../errors.js'
import { retrying, type RetryPolicy } from '../retry.js'

export interface DownloadOptions {
  fetch?: typeof fetch
  retry?: RetryPolicy
  /** Longest wait for the response headers or for the next piece of the body. */
  readTimeoutMs?: number
  /** A body larger than this is not a release asset. */
  maxBytes?: number
  /** Progress lines (core.info in the action). */
  log?: (message: string) => void
  sleep?: (ms: number) => Promise<void>
}

export interface Downloaded {
  path: string
  bytes: number
  /** sha256 of exactly the bytes written to `path`, lower-case hex. */
  sha256: string
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000 }
export const DEFAULT_READ_TIMEOUT_MS = 60_000
const DEFAULT_MAX_BYTES = 1 << 30
// A Retry-After longer than this is not worth holding a CI job for.
const MAX_RETRY_AFTER_MS = 60_000

/** A failure worth another try; `waitMs` overrides the backoff (Retry-After). */
class Retryable extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly waitMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * Fetches `url` into `path` (overwritten). Resolves with the sha256 of what was written; the caller compares it
 * with the expected hash before doing anything else with the file. Rejects with DownloadError naming the URL
 * (and the HTTP status when there was one); no partial file is left behind.
 */
export async function downloadAsset(url: string, path: string, options: DownloadOptions = {}): Promise<Downloaded> {
  const policy = options.retry ?? DEFAULT_RETRY
  const attempts = Math.max(1, policy.attempts)
  const outcome = await retrying(
    async (): Promise<{ downloaded: Downloaded } | { error: unknown }> => {
      try {
        return { downloaded: await downloadOnce(url, path, options) }
      } catch (error) {
        await removePartial(path, options.log)
        return { error }
      }
    },
    {
      policy,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      retryable: (tried) => 'error' in tried && tried.error instanceof Retryable && (tried.error.waitMs ?? true),
      onRetry: (tried, waitMs, attempt) => {
        const message = 'error' in tried ? errorMessage(tried.error) : ''
        options.log?.(`${message}; retrying in ${waitMs} ms (attempt ${attempt} of ${attempts})`)
      },
    },
  )
  if ('downloaded' in outcome) return outcome.downloaded
  const { error } = outcome
  if (error instanceof DownloadError) throw error
  if (!(error instanceof Retryable)) {
    throw new DownloadError(`could not download ${url} to ${path}: ${errorMessage(error)}`, url, undefined, {
      cause: error,
    })
  }
  throw new DownloadError(`could not download ${url} after ${attempts} attempts: ${error.message}`, url, error.status, {
    cause: error,
  })
}

async function downloadOnce(url: string, path: string, options: DownloadOptions): Promise<Downloaded> {
  const fetchAsset = options.fetch ?? httpFetch
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let stalled = false
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      stalled = true
      controller.abort()
    }, readTimeoutMs)
  }

  arm()
  try {
    let response: Response
    try {
      response = await fetchAsset(url, {
        signal: controller.signal,
        redirect: 'follow',
        headers: { 'user-agent': 'vouch' },
      })
    } catch (error) {
      throw new Retryable(
        stalled ? `no response within ${readTimeoutMs} ms` : `network error: ${describe(error)}`,
        undefined,
        undefined,
        { cause: error },
      )
    }
    checkStatus(url, response)
    if (response.body === null) throw new Retryable('the response has no body', response.status)

    const declared = response.headers.get('content-length')
    const expectedBytes = declared === null ? undefined : Number(declared)
    if (expectedBytes !== undefined && expectedBytes > maxBytes) {
      throw new DownloadError(
        `${url} is ${expectedBytes} bytes, more than the ${maxBytes} a release asset may have`,
        url,
        response.status,
      )
    }

    const hash = createHash('sha256')
    const file = createWriteStream(path, { mode: 0o600 })
    // Listen at once: a failed open or write (missing directory, full disk) is emitted while we await the
    // network, and an 'error' nobody hears would kill the action before it writes its outputs.
    let fileError: Error | undefined
    const fileFailed = new Promise<never>((_, reject) =>
      file.once('error', (error) => {
        fileError = error
        reject(error)
      }),
    )
    fileFailed.catch(() => undefined)
    const reader = response.body.getReader()
    let bytes = 0
    try {
      arm()
      for (;;) {
        const read = reader.read().catch((error: unknown) => {
          throw new Retryable(
            stalled
              ? `the download stalled: no data for ${readTimeoutMs} ms after ${bytes} bytes`
              : `the connection failed after ${bytes} bytes: ${describe(error)}`,
            response.status,
            undefined,
            { cause: error },
          )
        })
        const chunk = await Promise.race([read, fileFailed])
        if (chunk.done) break
        arm()
        bytes += chunk.value.byteLength
        if (bytes > maxBytes) throw new DownloadError(`${url} sent more than ${maxBytes} bytes`, url, response.status)
        hash.update(chunk.value)
        if (!file.write(chunk.value)) await Promise.race([once(file, 'drain'), fileFailed])
      }
      file.end()
      await finished(file)
    } catch (error) {
      // Read before cleaning up: destroying the stream fails its buffered writes, which is not the disk's fault.
      const writeError = fileError
      void reader.cancel().catch(() => undefined)
      file.destroy()
      await finished(file).catch(() => undefined)
      // A local file error is not a network problem: a retry would fail the same way.
      if (writeError !== undefined) {
        throw new DownloadError(`could not write ${url} to ${path}: ${errorMessage(writeError)}`, url, undefined, {
          cause: writeError,
        })
      }
      throw error
    }
    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new Retryable(`the body ended after ${bytes} of ${expectedBytes} bytes`, response.status)
    }
    return { path, bytes, sha256: hash.digest('hex') }
  } finally {
    clearTimeout(timer)
  }
}

// Cleanup must not hide the failure that caused it (under a non-directory, rm itself fails with ENOTDIR).
async function removePartial(path: string, log: DownloadOptions['log']): Promise<void> {
  try {
    await rm(path, { force: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') log?.(`could not remove ${path}: ${errorMessage(error)}`)
  }
}

// 404/401/403 (and any other 4xx but 408/429) will not change on a retry: fail at once, naming URL and status.
function checkStatus(url: string, response: Response): void {
  const { status } = response
  if (status >= 200 && status < 300) return
  const label = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`
  void response.body?.cancel().catch(() => undefined)
  if (status === 429) throw new Retryable(label, status, retryAfterMs(response.headers.get('retry-after')))
  if (status >= 500 || status === 408) throw new Retryable(label, status)
  const hint = status === 404 ? ' (is the version right, and does the mirror hold this asset?)' : ''
  throw new DownloadError(`could not download ${url}: ${label}${hint}`, url, status)
}

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const text = value.trim()
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS)
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? `: ${errorMessage(error.cause)}` : ''
  return `${errorMessage(error)}${cause}`
}
