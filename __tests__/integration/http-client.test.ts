// vouch speaks HTTP through one client (src/http.ts): the undici that @actions/http-client already brings into the
// bundle. Node's global fetch is a second copy of undici that would be compiled at every start; this run has it
// booby-trapped, and still resolves the image, downloads both tools from the mirror, scans and signs.
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { startTunnellingProxy, type TunnellingProxy } from '../support/proxy.js'
import { commands, fixtures, runScenario, worldWithImage } from './world.js'

const scene = worldWithImage('team/http', '1.0')
const trap = path.join(fixtures, 'node/no-global-fetch.mjs')

describe("Node's global fetch", () => {
  test('is never used: resolve, download, scan and sign all go through src/http.ts', async () => {
    const run = await runScenario(scene.world, scene.image(), { env: { NODE_OPTIONS: `--import=${trap}` } })
    expect(run.stderr + run.stdout).not.toContain("Node's global")
    expect(run.exitCode).toBe(0)
    expect(run.outputs.signed).toBe('true')
    expect(scene.world.mirror.requests.length).toBeGreaterThanOrEqual(2)
    expect(commands(run)).toContain('cosign sign')
  })

  test('the trap itself works: a script that calls fetch fails', async () => {
    const { execFileSync } = await import('node:child_process')
    expect(() =>
      execFileSync(process.execPath, [`--import=${trap}`, '-e', 'fetch("http://127.0.0.1:9")'], { stdio: 'pipe' }),
    ).toThrow(/Node's global fetch was used/)
  })
})

// Node 24 reads HTTP_PROXY/HTTPS_PROXY/NO_PROXY only when NODE_USE_ENV_PROXY=1 (or --use-env-proxy) is set: it then
// installs its EnvHttpProxyAgent as undici's global dispatcher, under Symbol.for('undici.globalDispatcher.1')
// (Node v24.21.0 lib/internal/process/pre_execution.js, setupHttpProxy). The undici in the bundle reads the same
// symbol (undici 6.29.1 lib/global.js), so vouch's requests take the proxy exactly when Node's own fetch would.
describe("Node's proxy setting", () => {
  let proxy: TunnellingProxy | undefined
  afterEach(async () => proxy?.close())

  test('NODE_USE_ENV_PROXY=1 sends the registry and the tool downloads through HTTP_PROXY', async () => {
    proxy = await startTunnellingProxy()
    const run = await runScenario(scene.world, scene.image(), {
      env: { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxy.url },
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.signed).toBe('true')
    expect(proxy.tunnels).toContain(scene.world.registry.host)
    expect(proxy.tunnels).toContain(new URL(scene.world.mirror.url).host)
  })

  test("HTTP_PROXY alone changes nothing, as with Node's own fetch", async () => {
    proxy = await startTunnellingProxy()
    const run = await runScenario(scene.world, scene.image(), { env: { HTTP_PROXY: proxy.url } })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.signed).toBe('true')
    expect(proxy.tunnels).toEqual([])
  })
})
