// `npm run demo` with the real tools: it tells the story (vouch passes and signs the fixed image, fails the
// vulnerable one, Kyverno admits the signed pod and denies the other) and leaves nothing behind, whether it ends
// normally, fails, or is stopped with Ctrl-C. Each run gets its own TMPDIR, so "nothing left" is checked exactly.
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/run-action.js'

interface DemoRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  output: string
  tmp: string
}

const tmps: string[] = []
afterEach(async () => {
  await Promise.all(tmps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/**
 * Runs `command` in its own process group with a fresh TMPDIR; `interruptWhen` sends SIGINT to the whole group, as
 * Ctrl-C in a terminal does, once the output matches it.
 */
async function runDemo(
  command: string[],
  options: { env?: Record<string, string>; interruptWhen?: RegExp } = {},
): Promise<DemoRun> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'vouch-demo-test-'))
  tmps.push(tmp)
  const [binary = 'npm', ...args] = command
  const child = spawn(binary, args, {
    cwd: repoRoot,
    env: { ...process.env, TMPDIR: tmp, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  let interrupted = false
  const onData = (chunk: string): void => {
    output += chunk
    if (options.interruptWhen?.test(output) && !interrupted) {
      interrupted = true
      process.kill(-child.pid!, 'SIGINT')
    }
  }
  child.stdout.setEncoding('utf8').on('data', onData)
  child.stderr.setEncoding('utf8').on('data', onData)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (code, signal) => resolve([code, signal])),
  )
  return { exitCode, signal, output, tmp }
}

/**
 * What the run left in its TMPDIR. tsx keeps its compile cache there (`tsx-UID`) and npm its Node compile cache
 * (`node-compile-cache`): theirs, not the demo's.
 */
async function leftovers(run: DemoRun): Promise<string[]> {
  return (await readdir(run.tmp)).filter((name) => !name.startsWith('tsx-') && name !== 'node-compile-cache')
}

/** Processes still running from the run's TMPDIR (a registry serves its config from there). */
async function processesIn(run: DemoRun): Promise<string[]> {
  const found: string[] = []
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(run.tmp)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`)
  }
  return found
}

const tsx = [path.join(repoRoot, 'node_modules/.bin/tsx'), 'scripts/demo.ts']

describe('npm run demo', () => {
  it('tells the story, exits 0, and leaves no folder or process behind', async () => {
    const run = await runDemo(['npm', 'run', '--silent', 'demo'])
    expect(run.exitCode, run.output).toBe(0)
    expect(run.output).toMatch(/step log \(exit code 0\):[\s\S]*## ✅ vouch: passed/)
    expect(run.output).toMatch(/step log \(exit code 1\):[\s\S]*## ❌ vouch: failed/)
    expect(run.output).toMatch(/✔ vouch passed \S+\/demo\/shop:1\.0 and signed it/)
    expect(run.output).toMatch(/✔ vouch failed \S+\/demo\/legacy:1\.0 and did not sign it/)
    expect(run.output).toMatch(/pod shop \(.*\): admitted\n {2}kyverno: vouch-signature-enforce: pass/)
    expect(run.output).toMatch(/pod legacy \(.*\): denied\n[\s\S]*kyverno: .*no signatures found/)
    expect(run.output).toContain('✔ Kyverno admitted the pod of the signed image')
    expect(run.output).toContain('✔ Kyverno denied the pod of the unsigned image')
    expect(run.output).toContain('The story held')
    // The workflow commands are rendered for a terminal, and the secret key never shows.
    expect(run.output).not.toMatch(/^::/m)
    expect(run.output).not.toContain('PRIVATE KEY')
    expect(await leftovers(run)).toEqual([])
    expect(await processesIn(run)).toEqual([])
  })

  it('stops on Ctrl-C with exit code 130 and removes what it started', async () => {
    const run = await runDemo(tsx, { interruptWhen: /vouch scans \S+\/demo\/shop:1\.0/ })
    expect(run.exitCode, run.output).toBe(130)
    expect(run.output).toContain("SIGINT: stopping the registries and removing the demo's folders")
    expect(run.output).not.toContain('The story held')
    expect(await leftovers(run)).toEqual([])
    expect(await processesIn(run)).toEqual([])
  })

  it('fails with exit code 1, saying why, when a step cannot run, and still removes what it started', async () => {
    const run = await runDemo(tsx, { env: { VOUCH_TEST_REGISTRY: path.join(repoRoot, 'no-such-registry') } })
    expect(run.exitCode, run.output).toBe(1)
    expect(run.output).toMatch(/demo FAILED: The test registry binary \S+no-such-registry is missing/)
    expect(await leftovers(run)).toEqual([])
    expect(await processesIn(run)).toEqual([])
  })
})
