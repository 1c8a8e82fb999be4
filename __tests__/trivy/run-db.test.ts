import { describe, expect, test } from 'vitest'
import { ScanFailure, type TrivyScanOptions, runTrivyScan } from '../../src/trivy/run.js'
import {
  JAVA_DB_RATE_LIMITED,
  OK,
  PANIC,
  RATE_LIMITED,
  type Step,
  hoursAfterBuild,
  scriptedTrivy,
  seedDb,
  useScanWorkspace,
  child,
  scanOptions,
} from './scripted-trivy.js'

const RATE_LIMIT: Step = { exitCode: 1, stderr: RATE_LIMITED }
const scope = useScanWorkspace()

/** Runs the scan `ageHours` after the fixture DB was built. */
function scan(steps: Step[], ageHours: number, overrides: Partial<TrivyScanOptions> = {}) {
  const trivy = scriptedTrivy(steps)
  const sleeps: number[] = []
  const result = runTrivyScan(
    scanOptions(scope.dirs, {
      trivyPath: 'trivy',
      insecure: false,
      exec: trivy.exec,
      now: () => hoursAfterBuild(ageHours),
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      ...overrides,
    }),
  )
  return { result, calls: trivy.calls, sleeps }
}

const skips = (calls: { args: string[] }[]) => calls.map((call) => call.args.includes('--skip-db-update'))
const warnings = () => scope.stdout.lines().filter((line) => line.startsWith('::warning::'))

describe('retrying the DB download', () => {
  test('a rate-limited download is retried after a wait, and the retry recovers', async () => {
    const { result, calls, sleeps } = scan([RATE_LIMIT, OK], 2)
    const { db } = await result
    expect(calls).toHaveLength(2)
    expect(skips(calls)).toEqual([false, false])
    expect(sleeps).toEqual([2000])
    expect(db.usedCachedFallback).toBe(false)
    expect(warnings()).toEqual([])
  })

  test('waits twice as long before each further attempt', async () => {
    const { result, sleeps } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT, RATE_LIMIT, OK], 2, {
      retry: { attempts: 5, baseDelayMs: 100 },
    })
    await result
    expect(sleeps).toEqual([100, 200, 400, 800])
  })

  test('with one attempt there is no retry: straight to the cached DB', async () => {
    await seedDb(scope.dirs.cacheDir)
    const { result, calls, sleeps } = scan([RATE_LIMIT, OK], 30, { retry: { attempts: 1, baseDelayMs: 2000 } })
    await result
    expect(sleeps).toEqual([])
    expect(skips(calls)).toEqual([false, true])
  })
})

// trivy v0.74.0 pkg/oci/artifact.go `Download`: a location it cannot reach ends the download there, without the rest.
const UNREACHABLE = (location: string): Step => ({
  exitCode: 1,
  stderr:
    `2026-11-30T10:00:00Z\tINFO\t[vulndb] Downloading artifact...\trepo="${location}"\n` +
    '2026-11-30T10:00:00Z\tFATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: OCI artifact ' +
    `error: failed to download vulnerability DB: failed to download artifact from ${location}: OCI repository error: ` +
    `Get "https://${location.split('/')[0]}/v2/": dial tcp 127.0.0.1:9: connect: connection refused\n`,
})

describe('walking db-repository in order', () => {
  const LOCATIONS = [
    'registry.internal/trivy-db:2',
    'mirror.gcr.io/aquasec/trivy-db:2',
    'ghcr.io/aquasecurity/trivy-db:2',
  ]
  const dbFlag = (calls: { args: string[] }[]) =>
    calls.map((call) => call.args[call.args.indexOf('--db-repository') + 1])

  test('a location Trivy cannot reach is passed over: the next run starts at the location after it', async () => {
    const { result, calls, sleeps } = scan([UNREACHABLE(LOCATIONS[0]!), OK], 2, { dbRepositories: LOCATIONS })
    const { db } = await result
    expect(dbFlag(calls)).toEqual([LOCATIONS.join(','), LOCATIONS.slice(1).join(',')])
    expect(sleeps).toEqual([])
    expect(db.repository).toBe(LOCATIONS[1])
  })

  test('when the last location cannot be reached either, the round is over and the retry starts again at the first', async () => {
    const steps = [UNREACHABLE(LOCATIONS[0]!), UNREACHABLE(LOCATIONS[1]!), UNREACHABLE(LOCATIONS[2]!), OK]
    const { result, calls, sleeps } = scan(steps, 2, { dbRepositories: LOCATIONS })
    await result
    expect(dbFlag(calls)).toEqual([
      LOCATIONS.join(','),
      LOCATIONS.slice(1).join(','),
      LOCATIONS[2],
      LOCATIONS.join(','),
    ])
    expect(sleeps).toEqual([2000])
  })
})

describe('falling back to the cached DB', () => {
  test('retries exhausted and a cached DB younger than 7 days: one more run with it, and a warning', async () => {
    await seedDb(scope.dirs.cacheDir)
    const { result, calls, sleeps } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT, OK], 30)
    const { db, scans } = await result
    expect(calls).toHaveLength(4)
    expect(skips(calls)).toEqual([false, false, false, true])
    expect(sleeps).toEqual([2000, 4000])
    expect(scans).toHaveLength(1)
    expect(db).toEqual({
      updatedAt: '2022-03-02T06:07:07.99504083Z',
      usedCachedFallback: true,
      ageHours: expect.closeTo(30, 5),
    })
    expect(warnings()).toEqual([
      '::warning::Trivy could not download its vulnerability DB; scanning with the cached DB, built 30 hours ago.',
    ])
  })

  test('after a fallback, later platforms use the same cached DB without trying to download again', async () => {
    await seedDb(scope.dirs.cacheDir)
    const { result, calls } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT, OK, OK], 30, {
      images: [child('linux/amd64', '1'), child('linux/arm64', '2')],
    })
    const { scans, db } = await result
    expect(skips(calls)).toEqual([false, false, false, true, true])
    expect(scans.map((entry) => entry.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(db.usedCachedFallback).toBe(true)
  })

  test('retries exhausted and no cached DB: a scan error that names the remedy', async () => {
    const { result, calls } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT], 30)
    const error = (await result.catch((caught: unknown) => caught)) as ScanFailure
    expect(error).toBeInstanceOf(ScanFailure)
    expect(calls).toHaveLength(3)
    expect(error.reason).toContain('mirror.gcr.io/aquasec/trivy-db:2, ghcr.io/aquasecurity/trivy-db:2')
    expect(error.reason).toContain('3 attempts')
    expect(error.reason).toContain('failed to download vulnerability DB')
    expect(error.reason).toContain('no cached DB')
    expect(error.remedy).toContain('`db-repository`')
    expect(error.remedy).toContain('`cache: true`')
    expect(error.message).toBe(`${error.reason} ${error.remedy}`)
  })

  test('retries exhausted and a cached DB 8 days old: a scan error, the stale DB is not used', async () => {
    await seedDb(scope.dirs.cacheDir)
    const { result, calls } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT], 8 * 24)
    const error = (await result.catch((caught: unknown) => caught)) as ScanFailure
    expect(error).toBeInstanceOf(ScanFailure)
    expect(error.reason).toContain('8 days old')
    expect(calls).toHaveLength(3)
    expect(warnings()).toEqual([])
  })

  test('a fallback run that crashes is a scan error about the crash', async () => {
    await seedDb(scope.dirs.cacheDir)
    const { result } = scan([RATE_LIMIT, RATE_LIMIT, RATE_LIMIT, { exitCode: 2, stderr: PANIC }], 30)
    await expect(result).rejects.toThrow(/exit code 2/)
  })

  test('a Java DB that cannot be downloaded is retried, but not replaced: --skip-db-update does not cover it', async () => {
    await seedDb(scope.dirs.cacheDir)
    const javaFailure: Step = { exitCode: 1, stderr: JAVA_DB_RATE_LIMITED }
    const { result, calls, sleeps } = scan([javaFailure, javaFailure, javaFailure], 30)
    const error = (await result.catch((caught: unknown) => caught)) as ScanFailure
    expect(error).toBeInstanceOf(ScanFailure)
    expect(error.reason).toContain('Java DB')
    expect(error.remedy).toContain('TRIVY_JAVA_DB_REPOSITORY')
    expect(calls).toHaveLength(3)
    expect(sleeps).toEqual([2000, 4000])
    expect(warnings()).toEqual([])
  })

  test('the DB age is read from metadata.json after the scan', async () => {
    const { result } = scan([OK], 0.5)
    const { db } = await result
    expect(db.updatedAt).toBe('2022-03-02T06:07:07.99504083Z')
    expect(db.ageHours).toBeCloseTo(0.5, 5)
  })
})
