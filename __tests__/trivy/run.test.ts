import { access, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import { commandLine, scanArgs } from '../../src/trivy/args.js'
import { ScanFailure, type TrivyScanOptions, runTrivyScan } from '../../src/trivy/run.js'
import {
  DOWNLOADED_FROM_GCR,
  IMAGE,
  IMAGE_MISSING,
  OK,
  PANIC,
  SINGLE,
  type Step,
  child,
  TIMED_OUT,
  hoursAfterBuild,
  scriptedTrivy,
  useScanWorkspace,
  scanOptions,
  DB_REPOSITORIES,
} from './scripted-trivy.js'

const scope = useScanWorkspace()

function scan(steps: Step[], overrides: Partial<TrivyScanOptions> = {}) {
  const trivy = scriptedTrivy(steps)
  const sleeps: number[] = []
  const result = runTrivyScan(
    scanOptions(scope.dirs, {
      trivyPath: '/opt/hostedtoolcache/trivy/0.74.0/x64/trivy',
      exec: trivy.exec,
      now: () => hoursAfterBuild(30),
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      ...overrides,
    }),
  )
  return { result, calls: trivy.calls, sleeps }
}

describe('a scan that succeeds', () => {
  test('runs Trivy once for a single-platform image, with exactly the built arguments', async () => {
    const { result, calls } = scan([OK])
    const { scans, db } = await result
    const reportFile = join(scope.dirs.outputDir, `trivy-${SINGLE.digest.slice(7)}.json`)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.args).toEqual(
      scanArgs({
        image: IMAGE,
        outputFile: reportFile,
        dbRepositories: DB_REPOSITORIES,
        cacheDir: scope.dirs.cacheDir,
        timeoutSeconds: 600,
        vex: [],
        insecure: true,
      }),
    )
    expect(scans).toEqual([
      { digest: SINGLE.digest, reportFile, startedAt: hoursAfterBuild(30), finishedAt: hoursAfterBuild(30) },
    ])
    await access(reportFile)
    expect(db).toEqual({
      updatedAt: '2022-03-02T06:07:07.99504083Z',
      repository: 'mirror.gcr.io/aquasec/trivy-db:2',
      usedCachedFallback: false,
      ageHours: expect.closeTo(30, 5),
    })
  })

  test('runs Trivy exactly once per image, each by its own digest, and downloads the DB in the first run only', async () => {
    const images = [child('linux/amd64', '1'), child('linux/arm64', '2'), child('linux/arm/v7', '3')]
    const { result, calls } = scan([OK, OK, OK], { images })
    const { scans } = await result
    expect(calls).toHaveLength(3)
    expect(calls.map((call) => call.args.includes('--skip-db-update'))).toEqual([false, true, true])
    expect(calls.map((call) => call.args.at(-1))).toEqual(images.map((image) => image.pinned))
    for (const call of calls) expect(call.args).not.toContain('--platform')
    expect(scans.map((entry) => [entry.platform, entry.digest, entry.reportFile])).toEqual(
      images.map((image) => [
        image.label,
        image.digest,
        join(scope.dirs.outputDir, `trivy-${image.digest.slice(7)}.json`),
      ]),
    )
  })

  test('two images of one platform are two runs with two report files, which no platform spelling can merge', async () => {
    // linux/arm/v7 and an architecture spelt arm-v7 both became trivy-linux-arm-v7.json when files were named by platform.
    const images = [child('linux/amd64 (sha256:111111111111)', '1'), child('linux/amd64 (sha256:222222222222)', '2')]
    const { result, calls } = scan([OK, OK], { images })
    const { scans } = await result
    expect(calls.map((call) => call.args.at(-1))).toEqual(images.map((image) => image.pinned))
    expect(new Set(scans.map((entry) => entry.reportFile)).size).toBe(2)
  })

  test('names the mirror Trivy says served the DB', async () => {
    const { result } = scan([{ ...OK, stderr: DOWNLOADED_FROM_GCR }], {
      dbRepositories: ['registry.internal/trivy-db:2', 'mirror.gcr.io/aquasec/trivy-db:2'],
    })
    expect((await result).db.repository).toBe('mirror.gcr.io/aquasec/trivy-db:2')
  })

  test('logs each command line in a group per platform, and credentials only reach a docker config', async () => {
    const registryLogin = { registry: '127.0.0.1:5000', credentials: { username: 'robot', password: 'pa55-w0rd' } }
    const images = [child('linux/amd64', '1'), child('linux/arm64', '2')]
    const { result, calls } = scan([OK, OK], { images, registryLogin })
    await result
    const printed = scope.stdout.lines()
    for (const call of calls) {
      expect(call.options.env?.DOCKER_CONFIG).toMatch(/vouch-docker-config-/)
      expect(call.options.env).not.toHaveProperty('TRIVY_USERNAME')
      expect(call.options.env).not.toHaveProperty('TRIVY_PASSWORD')
      expect(JSON.stringify(call.options.env)).not.toContain('pa55-w0rd')
      expect(call.args.join(' ')).not.toContain('pa55-w0rd')
      expect(printed).toContain(`$ ${commandLine(call.command, call.args)}`)
    }
    expect(printed.filter((line) => line.startsWith('::group::'))).toEqual([
      `::group::Trivy: ${images[0]?.pinned} (linux/amd64)`,
      `::group::Trivy: ${images[1]?.pinned} (linux/arm64)`,
    ])
    expect(printed.join('\n')).not.toContain('pa55-w0rd')
  })

  test('runs Trivy in an empty folder, so no trivy.yaml or .trivyignore of the workspace applies', async () => {
    const { result, calls } = scan([OK], { vex: ['vex/app.openvex.json', '/abs/base.cdx.json', 'repo'] })
    await result
    const call = calls[0]!
    expect(call.options.cwd).toBeDefined()
    expect(call.options.cwd).not.toBe(process.cwd())
    expect(call.cwdEntries).toEqual([])
    await expect(access(call.options.cwd!)).rejects.toThrow()
    const vex = call.args.flatMap((arg, index) => (call.args[index - 1] === '--vex' ? [arg] : []))
    expect(vex).toEqual([join(process.cwd(), 'vex/app.openvex.json'), '/abs/base.cdx.json', 'repo'])
  })
})

describe('a scan that fails', () => {
  test('a crash (exit 2) is a scan error with the end of Trivy’s stderr, and is not retried', async () => {
    const { result, calls } = scan([{ exitCode: 2, stderr: PANIC }])
    const error = await result.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ScanError)
    expect(error).toBeInstanceOf(ScanFailure)
    expect((error as ScanFailure).reason).toContain('exit code 2')
    expect((error as ScanFailure).reason).toContain('panic: runtime error: invalid memory address')
    expect(calls).toHaveLength(1)
  })

  test('an error other than the DB download (exit 1) is not retried', async () => {
    const { result, calls, sleeps } = scan([{ exitCode: 1, stderr: IMAGE_MISSING }])
    await expect(result).rejects.toThrow(/MANIFEST_UNKNOWN/)
    expect(calls).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  test('exit 0 without a report file is a scan error', async () => {
    const { result } = scan([{ exitCode: 0, writesReport: false, downloadsDb: true }])
    await expect(result).rejects.toThrow(/wrote no report/)
  })

  test('a report left by an earlier run does not pass for this one', async () => {
    await mkdir(scope.dirs.outputDir, { recursive: true })
    await writeFile(join(scope.dirs.outputDir, `trivy-${SINGLE.digest.slice(7)}.json`), '{}')
    const { result } = scan([{ exitCode: 0, writesReport: false }])
    await expect(result).rejects.toThrow(/wrote no report/)
  })

  test('a timeout is a scan error that says to raise `timeout`, and is not retried', async () => {
    const { result, calls } = scan([{ exitCode: 1, stderr: TIMED_OUT }])
    const error = (await result.catch((caught: unknown) => caught)) as ScanFailure
    expect(error).toBeInstanceOf(ScanFailure)
    expect(error.reason).toContain('600s')
    expect(error.remedy).toMatch(/Raise `timeout`/)
    expect(calls).toHaveLength(1)
  })

  test('a Trivy that cannot be started is a scan error that keeps the cause', async () => {
    const enoent = Object.assign(new Error('spawn /nowhere/trivy ENOENT'), { code: 'ENOENT' })
    const { result } = scan([], {
      trivyPath: '/nowhere/trivy',
      exec: () => Promise.reject(enoent),
    })
    const error = (await result.catch((caught: unknown) => caught)) as ScanFailure
    expect(error).toBeInstanceOf(ScanFailure)
    expect(error.message).toContain('ENOENT')
    expect(error.cause).toBe(enoent)
  })

  test('no image at all is a scan error, not an empty success', async () => {
    const { result, calls } = scan([], { images: [] })
    await expect(result).rejects.toThrow(ScanError)
    expect(calls).toHaveLength(0)
  })

  test('a failing platform stops the scan: later platforms are not run', async () => {
    const { result, calls } = scan([OK, { exitCode: 2, stderr: PANIC }, OK], {
      images: [child('linux/amd64', '1'), child('linux/arm64', '2'), child('linux/s390x', '3')],
    })
    await expect(result).rejects.toThrow(/linux\/arm64/)
    expect(calls).toHaveLength(2)
  })
})
