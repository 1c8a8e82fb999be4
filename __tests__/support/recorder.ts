// A loopback HTTP server that answers nothing useful and records every request: a tripwire that proves a run made
// no network call (as a registry or a release mirror).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Recorder {
  host: string
  url: string
  requests: string[]
  close(): Promise<void>
}

export async function startRecorder(): Promise<Recorder> {
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
