// A loopback HTTP proxy that tunnels with CONNECT, as undici's ProxyAgent asks every proxy to (plain and TLS targets
// alike: undici 6.29.1 lib/dispatcher/proxy-agent.js). It records each tunnel's target and relays the bytes.
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface TunnellingProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY. */
  url: string
  /** `host:port` of every CONNECT, in order. */
  tunnels: string[]
  close(): Promise<void>
}

export async function startTunnellingProxy(): Promise<TunnellingProxy> {
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((_request, response) => {
    response.writeHead(405).end('this proxy only tunnels')
  })
  server.on('connect', (request, client: Socket, head: Buffer) => {
    const target = request.url ?? ''
    tunnels.push(target)
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
      socket.on('close', () => sockets.delete(socket))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
