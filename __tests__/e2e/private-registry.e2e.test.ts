// The passing image in a registry behind basic auth, with `registry-username`/`registry-password`: the real tools
// resolve, scan and sign it, and the password is nowhere the step leaves things: its log, its outputs and summary,
// the files under output-dir and the runner's temp folder, or the argv of any program it started.
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosignVerify } from './support/cosign.js'
import { signedAnnotations } from './support/contract.js'
import { PASSING, pushAlpine } from './support/images.js'
import { releases } from './support/releases.js'
import {
  runVouch,
  startE2eWorld,
  startPrivateRegistry,
  type E2eWorld,
  type PrivateRegistry,
  type VouchRun,
} from './support/world.js'

const PASSWORD = 'e2e-registry-Pa55-4b0d9c'

let world: E2eWorld
let registry: PrivateRegistry
let image: string
let run: VouchRun

beforeAll(async () => {
  ;[world, registry] = await Promise.all([startE2eWorld(), startPrivateRegistry(PASSWORD)])
  const host = registry.registry.host
  const pushed = await pushAlpine(host, 'team/app', '2.0', PASSING, registry.credentials)
  image = `${host}/team/app@${pushed.digest}`
  run = await runVouch(
    world,
    {
      image: `${host}/team/app:2.0`,
      'registry-username': registry.credentials.username,
      'registry-password': PASSWORD,
    },
    { recordArgv: true },
  )
})
afterAll(async () => Promise.all([world?.close(), registry?.registry.stop()]))

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await filesUnder(full)))
    else if (entry.isFile() && (await stat(full)).size < 20_000_000) found.push(full)
  }
  return found
}

describe('a private registry with registry-username and registry-password', () => {
  it('resolves, scans and signs the image', async () => {
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', image, signed: 'true', attested: 'true' })
    const verified = await cosignVerify(world.key, image, signedAnnotations(releases().trivy.version), {
      credentials: { host: registry.registry.host, ...registry.credentials },
    })
    expect(verified.exitCode, verified.stderr).toBe(0)
  })

  it('the password is in no log, output, summary, file the step left, or argv of a program it started', async () => {
    const basic = Buffer.from(`${registry.credentials.username}:${PASSWORD}`).toString('base64')
    const where: Record<string, string> = {
      stdout: run.stdout,
      stderr: run.stderr,
      outputs: JSON.stringify(run.outputs),
      summary: run.summary,
      'GITHUB_ENV/GITHUB_PATH': run.files.env + run.files.path,
    }
    // output-dir defaults to `${{ runner.temp }}/vouch` (action.yml): the reports the step wrote are among these.
    const left = await filesUnder(run.runner.temp)
    expect(left).toEqual(expect.arrayContaining([run.outputs.predicate, run.outputs['json-report']]))
    for (const file of left) where[file] = await readFile(file, 'latin1')
    // The action's own process holds its inputs; every program it started must not.
    const children = run.argv.slice(1)
    expect(children.length).toBeGreaterThan(3)
    children.forEach((argv, index) => (where[`argv ${index}: ${argv[0]}`] = argv.join(' ')))
    for (const [name, text] of Object.entries(where)) {
      expect(text.includes(PASSWORD), `password in ${name}`).toBe(false)
      expect(text.includes(basic), `user:password (base64) in ${name}`).toBe(false)
    }
    expect(run.masks).toContain(PASSWORD)
  })
})
