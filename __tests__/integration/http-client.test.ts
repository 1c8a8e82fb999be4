// vouch speaks HTTP through one client (src/http.ts): the undici that @actions/http-client already brings into the
// bundle. Node's global fetch is a second copy of undici that would be compiled at every start; this run has it
// booby-trapped, and still resolves the image, downloads both tools from the mirror, scans and signs.
import path from 'node:path'
import { describe, expect, test } from 'vitest'
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
