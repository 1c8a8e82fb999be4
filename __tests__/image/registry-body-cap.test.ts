// Bodies are read with a byte cap, never whole: an endless manifest, token answer or VEX document from a loopback
// server is refused once the cap is passed, and the server sees the connection closed long before its end.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { readCapped } from '../../src/capped-body.js'
import { RegistryError } from '../../src/errors.js'
import { forgetTokens, resolveDigest } from '../../src/image/registry.js'
import { VEX_LIMIT } from '../../src/stages/scan.js'
import { ENDLESS_BOUND, startEndlessServer, type EndlessServer, type Route } from '../support/endless-server.js'
import { commands, pushImage, runScenario, startWorld } from '../integration/world.js'
import { rejection } from '../support/rejection.js'

const servers: EndlessServer[] = []
beforeEach(() => forgetTokens())
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function serve(route: Route): Promise<EndlessServer> {
  const server = await startEndlessServer(route)
  servers.push(server)
  return server
}

/** Read no further than the cap and what was in flight: a few MiB past it at most, never the server's gigabyte. */
async function expectClosedEarly(server: EndlessServer, cap: number): Promise<void> {
  await server.settled()
  expect(server.streams).toHaveLength(1)
  expect(server.streams[0]!.closedEarly).toBe(true)
  expect(server.streams[0]!.sent).toBeLessThan(cap + 32 * 1024 * 1024)
  expect(server.streams[0]!.sent).toBeLessThan(ENDLESS_BOUND / 8)
}

const MANIFEST_CAP = 4 * 1024 * 1024

describe('an oversized body is refused without being buffered', () => {
  test('an endless manifest', async () => {
    const server = await serve((request) => (request.method === 'HEAD' ? { status: 405 } : { endless: true }))
    const error = await rejection(
      resolveDigest({ registry: server.host, repository: 'org/app', tag: '1.0' }),
      RegistryError,
    )
    expect(error.message).toContain(`sent more than ${MANIFEST_CAP} bytes for the manifest of`)
    await expectClosedEarly(server, MANIFEST_CAP)
  })

  test('a manifest that announces 2 GiB is not read at all', async () => {
    const server = await serve((request) =>
      request.method === 'HEAD'
        ? { status: 405 }
        : { endless: true, headers: { 'Content-Length': String(2 * 1024 * 1024 * 1024) } },
    )
    const error = await rejection(
      resolveDigest({ registry: server.host, repository: 'org/app', tag: '1.0' }),
      RegistryError,
    )
    expect(error.message).toContain(`sent more than ${MANIFEST_CAP} bytes`)
    await expectClosedEarly(server, 0)
  })

  test('an endless token answer', async () => {
    const server = await serve((request, host) =>
      request.url?.startsWith('/token')
        ? { endless: true }
        : { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test"` } },
    )
    const error = await rejection(
      resolveDigest({ registry: server.host, repository: 'org/app', tag: '1.0' }),
      RegistryError,
    )
    expect(error.message).toContain(`The token service of ${server.host}`)
    expect(error.message).toContain('sent more than 1048576 bytes')
    await expectClosedEarly(server, 1024 * 1024)
  })

  test('an endless VEX document, at the cap the scan stage reads VEX with', async () => {
    const server = await serve(() => ({ endless: true }))
    const response = await fetch(`http://${server.host}/vex.json`)
    expect(await readCapped(response, VEX_LIMIT)).toBeUndefined()
    await expectClosedEarly(server, VEX_LIMIT)
  })

  test('a body within the cap is read whole', async () => {
    const server = await serve(() => ({ status: 200, body: 'x'.repeat(1000) }))
    const bytes = await readCapped(await fetch(`http://${server.host}/`), 1000)
    expect(bytes?.byteLength).toBe(1000)
    expect(await readCapped(await fetch(`http://${server.host}/`), 999)).toBeUndefined()
  })
})

test('through the bundled action: an endless VEX document is a scan error, and Trivy never runs a scan', async () => {
  const world = await startWorld()
  try {
    const pushed = await pushImage(world.registry.host, 'team/app', '1.0')
    const server = await serve(() => ({ endless: true }))
    const run = await runScenario(world, `${world.registry.host}/team/app:1.0`, {
      inputs: { sign: 'false', vex: `http://${server.host}/vex.json` },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'error', digest: pushed.digest })
    expect(run.errors.join('\n')).toContain(
      `The VEX document http://${server.host}/vex.json is larger than ${VEX_LIMIT} bytes`,
    )
    expect(commands(run)).not.toContain('trivy image')
    await expectClosedEarly(server, VEX_LIMIT)
  } finally {
    await world.close()
  }
})
