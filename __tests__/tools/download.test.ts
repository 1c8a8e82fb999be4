// downloadAsset against the loopback mirror: which failures are retried, which are not, and how long it waits.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { DownloadError } from '../../src/errors.js'
import { downloadAsset, retryAfterMs, type DownloadOptions } from '../../src/tools/download.js'
import { startMirror, type Mirror, type MirrorFault } from '../support/mirror.js'

const ASSET = '/sigstore/cosign/releases/download/v3.0.99/cosign-linux-amd64'
const bytes = Buffer.from('#!/usr/bin/env node\n'.padEnd(64 * 1024, '#'))
const sha256 = createHash('sha256').update(bytes).digest('hex')

let mirror: Mirror
const work = mkdtempSync(join(tmpdir(), 'vouch-download-'))
const target = join(work, 'asset')
let waits: number[] = []
const options = (extra: DownloadOptions = {}): DownloadOptions => ({
  retry: { attempts: 3, baseDelayMs: 10 },
  readTimeoutMs: 200,
  sleep: async (ms) => void waits.push(ms),
  ...extra,
})

beforeAll(async () => {
  mirror = await startMirror(new Map([[ASSET, bytes]]))
})
afterEach(() => {
  mirror.setFault(ASSET, undefined)
  mirror.requests.length = 0
  waits = []
  rmSync(target, { force: true })
})
afterAll(async () => {
  await mirror.close()
  rmSync(work, { recursive: true, force: true })
})

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(DownloadError)
  return error as DownloadError
}

describe('downloadAsset', () => {
  test('writes the asset and returns the sha256 of what it wrote', async () => {
    const downloaded = await downloadAsset(`${mirror.url}${ASSET}`, target, options())
    expect(downloaded).toEqual({ path: target, bytes: bytes.length, sha256 })
    expect(readFileSync(target)).toEqual(bytes)
  })

  test.each([
    ['429', [1000]],
    ['500-then-200', [10]],
  ] as [MirrorFault, number[]][])(
    '%s: retried, waiting %j ms (Retry-After when given, else the backoff)',
    async (fault, expectedWaits) => {
      mirror.setFault(ASSET, fault)
      const downloaded = await downloadAsset(`${mirror.url}${ASSET}`, target, options())
      expect(downloaded.sha256).toBe(sha256)
      expect(mirror.requests.map((request) => request.status)).toEqual([fault === '429' ? 429 : 500, 200])
      expect(waits).toEqual(expectedWaits)
    },
  )

  test('404 is not retried; the error names the URL and the status', async () => {
    mirror.setFault(ASSET, '404')
    const error = await failure(downloadAsset(`${mirror.url}${ASSET}`, target, options()))
    expect(error).toMatchObject({ url: `${mirror.url}${ASSET}`, status: 404 })
    expect(error.message).toContain(`could not download ${mirror.url}${ASSET}: HTTP 404`)
    expect(mirror.requests).toHaveLength(1)
    expect(existsSync(target)).toBe(false)
  })

  test.each([401, 403, 410])('%i is not retried either', async (status) => {
    const fetchStatus: typeof fetch = async () => new Response('no', { status })
    const error = await failure(downloadAsset('https://example.invalid/a', target, options({ fetch: fetchStatus })))
    expect(error).toMatchObject({ url: 'https://example.invalid/a', status })
    expect(waits).toEqual([])
  })

  test('5xx every time: retried with exponential backoff, then a DownloadError with the last status', async () => {
    let calls = 0
    const fetch503: typeof fetch = async () => {
      calls++
      return new Response('busy', { status: 503 })
    }
    const error = await failure(
      downloadAsset(
        'https://example.invalid/a',
        target,
        options({ fetch: fetch503, retry: { attempts: 4, baseDelayMs: 5 } }),
      ),
    )
    expect(calls).toBe(4)
    expect(waits).toEqual([5, 10, 20])
    expect(error).toMatchObject({ status: 503 })
    expect(error.message).toContain('after 4 attempts: HTTP 503')
  })

  test('a network error is retried', async () => {
    let calls = 0
    const flaky: typeof fetch = async (input, init) => {
      if (calls++ === 0) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') })
      return fetch(input, init)
    }
    const downloaded = await downloadAsset(`${mirror.url}${ASSET}`, target, options({ fetch: flaky }))
    expect(downloaded.sha256).toBe(sha256)
    expect(waits).toEqual([10])
  })

  test('a truncated body (connection cut short of Content-Length) fails every attempt and leaves no file', async () => {
    mirror.setFault(ASSET, 'truncated')
    const error = await failure(downloadAsset(`${mirror.url}${ASSET}`, target, options()))
    expect(error.message).toMatch(/after 3 attempts: (the connection failed|the body ended) after \d+/)
    expect(mirror.requests).toHaveLength(3)
    expect(existsSync(target)).toBe(false)
  })

  test('a stalled body is cut by the read timeout', async () => {
    mirror.setFault(ASSET, 'stalled')
    const error = await failure(
      downloadAsset(`${mirror.url}${ASSET}`, target, options({ retry: { attempts: 2, baseDelayMs: 1 } })),
    )
    expect(error.message).toMatch(/the download stalled: no data for 200 ms after \d+ bytes/)
    expect(mirror.requests).toHaveLength(2)
    expect(existsSync(target)).toBe(false)
  })

  test('wrong bytes download fine: catching them is the job of the hash comparison', async () => {
    mirror.setFault(ASSET, 'wrong-bytes')
    const downloaded = await downloadAsset(`${mirror.url}${ASSET}`, target, options())
    expect(downloaded.sha256).not.toBe(sha256)
  })

  test('a body larger than the limit is refused without retrying', async () => {
    const error = await failure(downloadAsset(`${mirror.url}${ASSET}`, target, options({ maxBytes: 1000 })))
    expect(error.message).toContain('more than the 1000 a release asset may have')
    expect(mirror.requests).toHaveLength(1)
  })

  // A full disk is /dev/full behind a symlink: every write fails with ENOSPC, and cleanup removes only the link.
  test.each([
    ['a missing directory', 'ENOENT', () => join(work, 'missing', 'asset')],
    ['a path under a regular file', 'ENOTDIR', () => join(writeFile('plain'), 'asset')],
    ['a full disk', 'ENOSPC', () => linkTo('/dev/full', 'full')],
  ])('a file error (%s) rejects with %s, without a retry or an uncaught exception', async (_, code, destination) => {
    const path = destination()
    const url = `${mirror.url}${ASSET}`
    const error = await failure(downloadAsset(url, path, options()))
    expect(error.message).toContain(`could not write ${url} to ${path}: `)
    expect(error.message).toContain(code)
    expect(error).toMatchObject({ url, cause: { code } })
    expect(mirror.requests).toHaveLength(1)
    expect(waits).toEqual([])
    expect(existsSync(path)).toBe(false)
  })
})

function writeFile(name: string): string {
  const path = join(work, name)
  writeFileSync(path, 'not a directory')
  return path
}

function linkTo(device: string, name: string): string {
  const path = join(work, name)
  rmSync(path, { force: true })
  symlinkSync(device, path)
  return path
}

describe('retryAfterMs', () => {
  const now = Date.parse('2026-08-22T10:00:00Z')
  test.each([
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['0', 0],
    ['1', 1000],
    ['30', 30_000],
    ['3600', 60_000],
    ['Sat, 22 Aug 2026 10:00:05 GMT', 5000],
    ['Sat, 22 Aug 2026 09:00:00 GMT', 0],
  ])('Retry-After %j waits %j ms', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected)
  })
})
