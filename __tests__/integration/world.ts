// Everything an integration test needs around the bundled action: a real registry with pushed images, a loopback
// release mirror serving the packed stand-in tools, and a run() that hands the action inputs pointing at them.
import { mkdtemp, readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { newRunner, runAction, type ActionRun, type RunnerDirs } from '../harness/run-action.js'
import { startRegistry, type StartedRegistry } from '../support/registry.js'
import { pushImage, pushIndex } from '../support/push.js'
import { startMirror, type Mirror } from '../support/mirror.js'
import { toolFixture, type ToolFixture } from '../support/tools.js'

export const fixtures = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures')

/** Real Trivy reports from the reference corpus (see __tests__/fixtures/SOURCES.md). */
export const reports = {
  /** alpine 3.10: 4 MEDIUM, all fixed. */
  mediumOnly: path.join(fixtures, 'trivy/json/alpine-310.json.golden'),
  /** alpine 3.9: 4 MEDIUM and 2 CRITICAL. */
  critical: path.join(fixtures, 'trivy/json/alpine-39.json.golden'),
  /** A clean image: no Results at all. */
  clean: path.join(fixtures, 'trivy/json/alpine-39-skip.json.golden'),
  /** Debian buster: 1 CRITICAL (fixed) and 1 LOW (affected, no fix). */
  debian: path.join(fixtures, 'trivy/json/debian-buster.json.golden'),
}

/** A stand-in private key with a marker string, to prove it never leaks. */
export function testKey(marker: string): string {
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9${marker}\nQUJDREVGR0g${marker}xyz\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`
}

export interface World {
  registry: StartedRegistry
  mirror: Mirror
  tools: ToolFixture
  close(): Promise<void>
}

export async function startWorld(options: { trivyVersion?: string; cosignVersion?: string } = {}): Promise<World> {
  const tools = toolFixture(options)
  const [registry, mirror] = await Promise.all([startRegistry(), startMirror(tools.assets)])
  tools.inputs['tools-mirror'] = mirror.url
  return {
    registry,
    mirror,
    tools,
    close: async () => {
      await Promise.all([registry.stop(), mirror.close()])
    },
  }
}

/**
 * The world of one test file, with one image pushed to it: started before the file's tests and closed after them.
 * `world` is there once the tests run; `image()` names the pushed image by its tag.
 */
export function worldWithImage(repository: string, tag: string): { readonly world: World; image: () => string } {
  let started: World | undefined
  beforeAll(async () => {
    started = await startWorld()
    await pushImage(started.registry.host, repository, tag)
  })
  afterAll(async () => started?.close())
  const world = (): World => {
    if (started === undefined) throw new Error('the world is started before the tests, not while they are collected')
    return started
  }
  return {
    get world(): World {
      return world()
    },
    image: () => `${world().registry.host}/${repository}:${tag}`,
  }
}

export interface ScenarioRun extends ActionRun {
  /** Every recorded stand-in invocation, in order. */
  /** `time`: when the stand-in started (its Date.now()). */
  invocations: { tool: string; argv: string[]; env: string[]; time: number }[]
  logFile: string
}

export interface ScenarioOptions {
  inputs?: Record<string, string>
  /** Which report the stand-in Trivy writes, by platform (`default` for a single-platform image). */
  reports?: Record<string, string>
  /** `undefined` unsets a variable the harness would set. */
  env?: Record<string, string | undefined>
  runner?: RunnerDirs
}

/** Runs the bundled action against the world, with the stand-in tools and a key-signing setup by default. */
export async function runScenario(world: World, image: string, options: ScenarioOptions = {}): Promise<ScenarioRun> {
  const logDir = await mkdtemp(path.join(tmpdir(), 'vouch-log-'))
  const logFile = path.join(logDir, 'invocations.jsonl')
  const runner = options.runner ?? (await newRunner())
  const run = await runAction({
    runner,
    inputs: {
      image,
      cache: 'false',
      'cosign-key': testKey('KEYMARKER'),
      'cosign-password': 'pw-PASSWORDMARKER',
      ...world.tools.inputs,
      ...options.inputs,
    },
    env: {
      VOUCH_FAKE_LOG: logFile,
      VOUCH_FAKE_TRIVY_REPORTS: JSON.stringify(options.reports ?? { default: reports.mediumOnly }),
      ...options.env,
    },
  })
  const invocations = existsSync(logFile)
    ? (await readFile(logFile, 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as ScenarioRun['invocations'][number])
    : []
  return { ...run, invocations, logFile }
}

/** The subcommand of each recorded invocation: `trivy image`, `cosign sign`, … */
export function commands(run: ScenarioRun): string[] {
  return run.invocations.map((invocation) => `${invocation.tool} ${invocation.argv[0] ?? ''}`)
}

export { pushImage, pushIndex }
