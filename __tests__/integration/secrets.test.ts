// Secrets never leak, through the bundled action: a PEM key, its password and registry credentials (each carrying a
// marker) go through passing, failing and erroring runs against a registry that requires the credentials, and no
// marker shows up in anything the step leaves behind or hands to another program's command line.
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { newRunner } from '../harness/run-action.js'
import { startMirror } from '../support/mirror.js'
import { startRegistry } from '../support/registry.js'
import { toolFixture } from '../support/tools.js'
import { pushImage, reports, runScenario, testKey, type ScenarioRun, type World } from './world.js'

const KEY = testKey('KEYSECRETMARK')
const PASSWORD = 'cosign-pw-COSIGNPWMARK'
const USERNAME = 'user-REGUSERMARK'
const REGISTRY_PASSWORD = 'regpw-REGPASSMARK'
const WRONG_PASSWORD = 'wrongpw-WRONGPASSMARK'
/** Each PEM line between the armour: the runner masks line by line, so each must be masked on its own. */
const KEY_LINES = KEY.split('\n').filter((line) => !line.startsWith('-----'))

/**
 * What must appear nowhere: every secret, and the base64 `user:password` a docker config would hold. The registry
 * username is not a secret: an authentication failure names it (src/image/auth.ts) so the user can tell which
 * credentials were tried; it is held to the tools' command lines and the report files only (see below).
 */
const MARKERS = [
  'KEYSECRETMARK',
  'COSIGNPWMARK',
  'REGPASSMARK',
  'WRONGPASSMARK',
  ...KEY_LINES,
  Buffer.from(`${USERNAME}:${REGISTRY_PASSWORD}`).toString('base64'),
  Buffer.from(`${USERNAME}:${WRONG_PASSWORD}`).toString('base64'),
]

let world: World

beforeAll(async () => {
  const tools = toolFixture({ cosignVersion: 'v3.0.99' })
  const [registry, mirror] = await Promise.all([
    startRegistry({ htpasswd: { username: USERNAME, password: REGISTRY_PASSWORD } }),
    startMirror(tools.assets),
  ])
  tools.inputs['tools-mirror'] = mirror.url
  world = { registry, mirror, tools, close: async () => void (await Promise.all([registry.stop(), mirror.close()])) }
  await pushImage(registry.host, 'team/app', '1.0', {
    credentials: { username: USERNAME, password: REGISTRY_PASSWORD },
  })
})
afterAll(async () => world.close())

/** Every regular file under `directory`, recursively, with its contents. */
async function readTree(directory: string): Promise<{ file: string; text: string }[]> {
  if (!existsSync(directory)) return []
  const entries = await readdir(directory, { withFileTypes: true, recursive: true })
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name)
        return { file, text: await readFile(file, 'latin1') }
      }),
  )
}

/** Names each place a marker turned up, so a failure says where the secret leaked. */
function leaks(places: Record<string, string>): string[] {
  return Object.entries(places).flatMap(([place, text]) =>
    MARKERS.filter((marker) => text.includes(marker)).map((marker) => `${marker} in ${place}`),
  )
}

interface Scenario {
  name: string
  reports?: Record<string, string>
  env?: Record<string, string>
  inputs?: Record<string, string>
  exitCode: number
  status: string
  signed: string
}

const scenarios: Scenario[] = [
  { name: 'passed and signed', exitCode: 0, status: 'passed', signed: 'true' },
  { name: 'failed', reports: { default: reports.critical }, exitCode: 1, status: 'failed', signed: 'false' },
  {
    name: 'error: Trivy crashed',
    env: { VOUCH_FAKE_TRIVY_FAIL: 'crash' },
    exitCode: 1,
    status: 'error',
    signed: 'false',
  },
  {
    name: 'error: attest failed after signing',
    env: { VOUCH_FAKE_COSIGN_FAIL: 'attest-fail' },
    exitCode: 1,
    status: 'error',
    signed: 'true',
  },
  {
    name: 'error: the registry refused the credentials',
    inputs: { 'registry-password': WRONG_PASSWORD },
    exitCode: 1,
    status: 'error',
    signed: 'false',
  },
]

describe.each(scenarios)('$name', ({ reports: given, env, inputs, exitCode, status, signed }) => {
  let run: ScenarioRun
  let outputDir: string
  beforeAll(async () => {
    const runner = await newRunner()
    // A report folder outside RUNNER_TEMP, so both are walked as what they are.
    outputDir = path.join(runner.workspace, 'vouch-reports')
    run = await runScenario(world, `${world.registry.host}/team/app:1.0`, {
      runner,
      inputs: {
        'cosign-key': KEY,
        'cosign-password': PASSWORD,
        'registry-username': USERNAME,
        'registry-password': REGISTRY_PASSWORD,
        'output-dir': outputDir,
        ...inputs,
      },
      ...(given ? { reports: given } : {}),
      ...(env ? { env } : {}),
    })
  })

  test('the run ends as expected', () => {
    expect(run.exitCode, run.stdout).toBe(exitCode)
    expect(run.outputs).toMatchObject({ 'scan-status': status, signed })
  })

  test('no secret in stdout, stderr, GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH or the summary', () => {
    expect(
      leaks({
        stdout: run.stdout,
        stderr: run.stderr,
        GITHUB_OUTPUT: run.files.output,
        GITHUB_ENV: run.files.env,
        GITHUB_PATH: run.files.path,
        summary: run.summary,
        'error annotations': run.errors.join('\n'),
        'warning annotations': run.warnings.join('\n'),
      }),
    ).toEqual([])
  })

  test('no secret in any file under output-dir, RUNNER_TEMP or anywhere else the runner keeps', async () => {
    // The runner's root holds RUNNER_TEMP, the workspace (output-dir here), the tool cache and HOME.
    const files = await readTree(run.runner.root)
    const names = files.map(({ file }) => file)
    expect(names.filter((file) => file.startsWith(run.runner.temp + path.sep)).length).toBeGreaterThan(0)
    if (status !== 'error' || signed === 'true') expect(names).toContain(path.join(outputDir, 'vuln-predicate.json'))
    expect(leaks(Object.fromEntries(files.map(({ file, text }) => [file, text])))).toEqual([])
    const reportsNamingUser = files.filter(
      ({ file, text }) => file.startsWith(outputDir) && text.includes('REGUSERMARK'),
    )
    expect(reportsNamingUser.map(({ file }) => file)).toEqual([])
  })

  test('no temporary docker config is left under RUNNER_TEMP', async () => {
    const left = (await readdir(run.runner.temp, { recursive: true })).filter((name) => /docker-config/.test(name))
    expect(left).toEqual([])
  })

  test("no secret on the tools' command lines or in their log; secrets reach them by environment", async () => {
    const log = await readTree(path.dirname(run.logFile)) // the invocation log and the stand-in cosign's state
    expect(leaks(Object.fromEntries(log.map(({ file, text }) => [file, text])))).toEqual([])
    for (const { tool, argv } of run.invocations) {
      expect(leaks({ [`${tool} ${argv[0]}`]: argv.join('\n') })).toEqual([])
      expect(argv.join('\n')).not.toContain('REGUSERMARK')
    }

    // No tool inherits the raw inputs (the key, the passwords) or the runner's tokens from the step.
    for (const { tool, argv, env } of run.invocations) {
      const withheld = env.filter((name) => /^INPUT_|^ACTIONS_RUNTIME_TOKEN$|^ACTIONS_ID_TOKEN_REQUEST_/i.test(name))
      expect(withheld, `${tool} ${argv[0]}`).toEqual([])
    }
    const scan = run.invocations.find((call) => call.tool === 'trivy' && call.argv[0] === 'image')
    // A registry that refuses the credentials stops the run at digest resolution, before Trivy.
    if (inputs?.['registry-password'] === WRONG_PASSWORD) expect(scan).toBeUndefined()
    else {
      // The registry credentials reach Trivy as a docker config for the image's registry alone: Trivy would offer
      // TRIVY_USERNAME/TRIVY_PASSWORD to every registry it calls, the DB mirrors included.
      expect(scan?.env).toContain('DOCKER_CONFIG')
      expect(scan?.env).not.toContain('TRIVY_USERNAME')
      expect(scan?.env).not.toContain('TRIVY_PASSWORD')
    }
    const sign = run.invocations.find((call) => call.tool === 'cosign' && call.argv[0] === 'sign')
    if (signed === 'true') {
      expect(sign?.argv).toEqual(expect.arrayContaining(['--key', 'env://COSIGN_PRIVATE_KEY']))
      // The registry credentials reach cosign as a docker config that exists only for the call.
      expect(sign?.env).toEqual(expect.arrayContaining(['COSIGN_PASSWORD', 'COSIGN_PRIVATE_KEY', 'DOCKER_CONFIG']))
    } else {
      expect(sign).toBeUndefined()
    }
  })

  test('each secret, and each line of the PEM, was masked before anything could print it', () => {
    const registryPassword = inputs?.['registry-password'] ?? REGISTRY_PASSWORD
    expect(run.masks).toEqual(expect.arrayContaining([PASSWORD, registryPassword, ...KEY_LINES]))
  })
})
