// A loopback server whose answers never end (or announce a huge Content-Length): it writes as fast as the client
// reads, up to a bound, and records how much it sent and whether the client closed the connection before the end.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface EndlessServer {
  /** `127.0.0.1:PORT` */
  host: string
  /** One per answered request that streamed a body. */
  streams: { path: string; sent: number; closedEarly: boolean }[]
  /** Resolves once every streamed answer has ended, one way or the other. */
  settled(): Promise<void>
  stop(): Promise<void>
}

export type Route = (
  request: http.IncomingMessage,
  host: string,
) =>
  | { status: number; headers?: Record<string, string>; body?: string }
  | { endless: true; headers?: Record<string, string> }

/** The server stops writing after this much: far past any cap, far below what would strain the machine. */
export const ENDLESS_BOUND = 1024 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 0x20)

export async function startEndlessServer(route: Route): Promise<EndlessServer> {
  const streams: EndlessServer['streams'] = []
  const pending: Promise<void>[] = []
  let host = ''
  const server = http.createServer((request, response) => {
    const answer = route(request, host)
    if (!('endless' in answer)) {
      response.writeHead(answer.status, answer.headers).end(answer.body)
      return
    }
    const stream = { path: request.url ?? '', sent: 0, closedEarly: false }
    streams.push(stream)
    response.writeHead(200, { 'Content-Type': 'application/json', ...answer.headers })
    pending.push(
      new Promise<void>((resolve) => {
        const pump = (): void => {
          while (stream.sent < ENDLESS_BOUND) {
            stream.sent += CHUNK.length
            if (!response.write(CHUNK)) return void response.once('drain', pump)
          }
          response.end(resolve)
        }
        response.on('close', () => {
          stream.closedEarly = stream.sent < ENDLESS_BOUND
          resolve()
        })
        response.write('{"schemaVersion":2,"padding":"')
        pump()
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    streams,
    settled: async () => {
      await Promise.all(pending)
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
