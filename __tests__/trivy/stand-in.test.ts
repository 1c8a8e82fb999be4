// The runner against the stand-in `trivy` executable (__tests__/fakes/trivy.mjs), run as a real process
// through src/exec.ts: argv, environment and exit codes cross a process boundary as they do on a runner.
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { type Exec, exec } from '../../src/exec.js'
import { ScanFailure, type TrivyScanOptions, runTrivyScan } from '../../src/trivy/run.js'
import { REPORT, captureStdout, workspace, child, scanOptions } from './scripted-trivy.js'

const STAND_IN = fileURLToPath(new URL('../fakes/trivy.mjs', import.meta.url))
const DB_UPDATED_AT = '2026-08-21T06:13:29.475327118Z'
const hoursAfterDb = (hours: number) => new Date(Date.parse('2026-08-21T06:13:29.475Z') + hours * 3_600_000)
// The stand-in is a script: run it with this Node, through the action's own exec.
const viaNode: Exec = (command, args, options) => exec(process.execPath, [command, ...args], options)

interface Invocation {
  argv: string[]
  env: string[]
  cwd: string
}

let dirs: Awaited<ReturnType<typeof workspace>>
let stdout: ReturnType<typeof captureStdout>
const log = () => join(dirs.root, 'invocations.jsonl')

beforeEach(async () => {
  dirs = await workspace()
  stdout = captureStdout()
  vi.stubEnv('VOUCH_FAKE_LOG', log())
  vi.stubEnv('VOUCH_FAKE_TRIVY_REPORTS', JSON.stringify({ default: fileURLToPath(REPORT) }))
  vi.stubEnv('VOUCH_FAKE_TRIVY_DB_UPDATED_AT', DB_UPDATED_AT)
  vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', '')
  vi.stubEnv('VOUCH_FAKE_TRIVY_DB_STALE', '')
})
afterEach(async () => {
  stdout.restore()
  vi.unstubAllEnvs()
  await dirs.done()
})

async function invocations(): Promise<Invocation[]> {
  const text = await readFile(log(), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Invocation)
}

function scan(overrides: Partial<TrivyScanOptions> = {}) {
  return runTrivyScan(
    scanOptions(dirs, { trivyPath: STAND_IN, exec: viaNode, now: () => hoursAfterDb(30), ...overrides }),
  )
}

describe('with the stand-in trivy', () => {
  test('one run writes the report and the DB; credentials travel in a docker config only', async () => {
    const credentials = { username: 'robot', password: 'pa55-w0rd' }
    const { scans, db } = await scan({
      registryLogin: { registry: '127.0.0.1:5000', credentials },
      runnerTemp: dirs.root,
    })
    await access(scans[0]!.reportFile)
    expect(db).toMatchObject({
      updatedAt: DB_UPDATED_AT,
      repository: 'mirror.gcr.io/aquasec/trivy-db:2',
      usedCachedFallback: false,
    })
    const [run, ...more] = await invocations()
    expect(more).toEqual([])
    expect(run!.env).toContain('DOCKER_CONFIG')
    expect(run!.env).not.toContain('TRIVY_USERNAME')
    expect(run!.env).not.toContain('TRIVY_PASSWORD')
    expect(run!.argv.join(' ')).not.toContain('pa55-w0rd')
    expect(run!.argv).toContain('--insecure')
    expect(run!.cwd).not.toBe(process.cwd())
  })

  test('several platforms: one run each, the DB fetched by the first', async () => {
    vi.stubEnv('VOUCH_FAKE_TRIVY_DB_STALE', '1')
    const { scans } = await scan({ images: [child('linux/amd64', '1'), child('linux/arm64', '2')] })
    expect(scans.map((entry) => entry.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    const runs = await invocations()
    expect(runs.map((run) => run.argv.includes('--skip-db-update'))).toEqual([false, true])
  })

  test('a rate limit on the first download is retried and recovers', async () => {
    vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', 'toomanyrequests-once')
    const { db } = await scan()
    expect(await invocations()).toHaveLength(2)
    expect(db.usedCachedFallback).toBe(false)
  })

  test('a DB that can never be downloaded, with yesterday’s DB in the cache: falls back with a warning', async () => {
    await scan()
    vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', 'toomanyrequests')
    vi.stubEnv('VOUCH_FAKE_TRIVY_DB_STALE', '1')
    const { db } = await scan()
    const runs = await invocations()
    expect(runs.slice(1).map((run) => run.argv.includes('--skip-db-update'))).toEqual([false, false, false, true])
    expect(db).toMatchObject({ usedCachedFallback: true, updatedAt: DB_UPDATED_AT })
    expect(stdout.lines().filter((line) => line.startsWith('::warning::'))).toHaveLength(1)
  })

  test('a DB that can never be downloaded and no cache: a scan error after the retries', async () => {
    vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', 'toomanyrequests')
    await expect(scan()).rejects.toThrow(/could not download its vulnerability DB.*no cached DB/)
    expect(await invocations()).toHaveLength(3)
  })

  test.each([
    ['crash', /exit code 2.*panic: runtime error/s],
    ['timeout', /within the 600s `timeout`/],
  ])('%s is a scan error', async (fault, message) => {
    vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', fault)
    const error = await scan().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ScanFailure)
    expect((error as ScanFailure).message).toMatch(message)
    expect(await invocations()).toHaveLength(1)
  })

  test('a malformed report is left for the report reader: the runner only checks it was written', async () => {
    vi.stubEnv('VOUCH_FAKE_TRIVY_FAIL', 'malformed')
    const { scans } = await scan()
    expect(await readFile(scans[0]!.reportFile, 'utf8')).toBe('{"SchemaVersion": 2, "Results": [')
  })
})
