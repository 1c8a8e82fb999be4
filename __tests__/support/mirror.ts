// A loopback release mirror laid out like GitHub releases (`/<owner>/<repo>/releases/download/<tag>/<asset>`), for
// the `tools-mirror` input. Faults per path reproduce what a real network does to a download.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type MirrorFault =
  /** Always 404. */
  | '404'
  /** 429 with `Retry-After: 1` on the first request, then the asset. */
  | '429'
  /** 500 on the first request, then the asset. */
  | '500-then-200'
  /** Content-Length of the full asset, half the body, then the connection is destroyed. */
  | 'truncated'
  /** Headers and half the body, then nothing: only the client's read timeout ends it. */
  | 'stalled'
  /** Other bytes of the same length. */
  | 'wrong-bytes'
  /** The asset, after holding the body back for `SLOW_MS`: lets a test see two downloads in flight at once. */
  | 'slow'

export const SLOW_MS = 300

export interface MirrorRequest {
  path: string
  /** Date.now() when the request arrived. */
  start: number
  /** Date.now() when the response finished or the connection closed; -1 while still open. */
  end: number
  status: number
}

export interface Mirror {
  /** Base URL for `tools-mirror`, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string
  requests: MirrorRequest[]
  setFault(path: string, fault: MirrorFault | undefined): void
  close(): Promise<void>
}

export interface MirrorOptions {
  /**
   * Serve every asset body at this many bytes per second, per connection (as a network path limits each flow), in
   * slices every THROTTLE_TICK_MS. Unset: as fast as the loopback goes.
   */
  bytesPerSecond?: number
}

export const THROTTLE_TICK_MS = 20

/** `assets`: URL path (`/aquasecurity/trivy/releases/download/v0.74.99/trivy_…tar.gz`) -> bytes. */
export async function startMirror(assets: Map<string, Buffer>, options: MirrorOptions = {}): Promise<Mirror> {
  const faults = new Map<string, MirrorFault>()
  // Faults that happen once remember that they did.
  const spent = new Set<string>()
  const requests: MirrorRequest[] = []
  const timers = new Set<NodeJS.Timeout>()

  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://mirror').pathname)
    const record: MirrorRequest = { path, start: Date.now(), end: -1, status: 0 }
    requests.push(record)
    response.on('close', () => (record.end = Date.now()))
    const send = (status: number, headers: Record<string, string | number> = {}, body?: Buffer): void => {
      record.status = status
      response.writeHead(status, headers)
      response.end(body)
    }

    const asset = assets.get(path)
    if (asset === undefined || request.method !== 'GET')
      return send(404, { 'content-type': 'text/plain' }, Buffer.from('Not Found'))
    const fault = faults.get(path)
    const once = (): boolean => {
      if (spent.has(path)) return false
      spent.add(path)
      return true
    }
    const headers = { 'content-type': 'application/octet-stream', 'content-length': asset.length }
    const half = asset.subarray(0, Math.floor(asset.length / 2))

    switch (fault) {
      case '404':
        return send(404, {}, Buffer.from('Not Found'))
      case '429':
        if (once()) return send(429, { 'retry-after': '1' }, Buffer.from('Too Many Requests'))
        break
      case '500-then-200':
        if (once()) return send(500, {}, Buffer.from('Internal Server Error'))
        break
      case 'truncated':
        record.status = 200
        response.writeHead(200, headers)
        response.write(half, () => response.destroy())
        return
      case 'stalled':
        record.status = 200
        response.writeHead(200, headers)
        response.write(half)
        return
      case 'wrong-bytes':
        return send(200, headers, Buffer.from(asset.map((byte) => byte ^ 0xff)))
      case 'slow': {
        record.status = 200
        response.writeHead(200, headers)
        response.write(half)
        const timer = setTimeout(() => {
          timers.delete(timer)
          response.end(asset.subarray(half.length))
        }, SLOW_MS)
        timers.add(timer)
        return
      }
    }
    if (options.bytesPerSecond !== undefined) return throttled(headers, asset, options.bytesPerSecond)
    send(200, headers, asset)

    function throttled(head: Record<string, string | number>, body: Buffer, bytesPerSecond: number): void {
      record.status = 200
      response.writeHead(200, head)
      const started = Date.now()
      let sent = 0
      const tick = (): void => {
        if (response.destroyed) return
        // What the bandwidth allows by now, so that timer lateness does not slow the rate down.
        const due = Math.min(body.length, Math.floor(((Date.now() - started) / 1000) * bytesPerSecond))
        if (due > sent) response.write(body.subarray(sent, due))
        sent = Math.max(sent, due)
        if (sent >= body.length) return void response.end()
        const timer = setTimeout(() => {
          timers.delete(timer)
          tick()
        }, THROTTLE_TICK_MS)
        timers.add(timer)
      }
      tick()
    }
  }

  const server = createServer(serve)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault(path, fault) {
      spent.delete(path)
      if (fault === undefined) faults.delete(path)
      else faults.set(path, fault)
    },
    close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
