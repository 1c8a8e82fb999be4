// Every release-mirror fault and every bad archive, through the bundled action: what a retry can fix is retried
// and the run passes; anything else fails the step closed, naming the cause, with no tool run and none executable.
import { describe, expect, test } from 'vitest'
import type { MirrorFault } from '../support/mirror.js'
import { commands, runScenario, worldWithImage } from './world.js'
import {
  executables,
  expectFailedClosed,
  filesNamed,
  requestsTo,
  serveCosign,
  serveTrivy,
  wrongBytesSha256,
  type ServedAsset,
} from './tools-world.js'

const scene = worldWithImage('team/app', '1.0')
const image = scene.image

// Each case has its own version, hence its own mirror path and fault: the cases run side by side.
let next = 80
const trivyVersion = () => `v0.74.${next++}`

/** Runs the action with Trivy at `asset` and signing off, so cosign is not part of it. */
const runTrivy = (asset: ServedAsset, inputs: Record<string, string> = {}) =>
  runScenario(scene.world, image(), {
    inputs: { sign: 'false', 'trivy-version': asset.version, 'trivy-sha256': asset.sha256, ...inputs },
  })

describe.concurrent('faults a retry can fix: the run passes', () => {
  test.each([
    ['429', 429, 'HTTP 429 Too Many Requests; retrying in 1000 ms (attempt 2 of 4)'],
    ['500-then-200', 500, 'HTTP 500 Internal Server Error; retrying in 1000 ms (attempt 2 of 4)'],
  ] as [MirrorFault, number, string][])('%s', async (fault, status, retryLine) => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    scene.world.mirror.setFault(trivy.path, fault)
    const run = await runTrivy(trivy)
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', 'trivy-version': trivy.version })
    expect(requestsTo(scene.world, trivy.path).map((request) => request.status)).toEqual([status, 200])
    expect(run.stdout).toContain(`trivy ${trivy.version}: ${retryLine}`)
    expect(commands(run)).toEqual(['trivy --version', 'trivy image'])
  })
})

describe.concurrent('faults that fail the step closed: error verdict, nothing ran, nothing executable', () => {
  test('404: a download error naming the URL and the status, not retried', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    scene.world.mirror.setFault(trivy.path, '404')
    const run = await runTrivy(trivy)
    expectFailedClosed(run, `could not download ${trivy.url}: HTTP 404 Not Found`)
    expect(requestsTo(scene.world, trivy.path)).toHaveLength(1)
    expect(executables(run)).toEqual([])
  })

  test('wrong bytes: an integrity error with the expected and the actual sha256', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    scene.world.mirror.setFault(trivy.path, 'wrong-bytes')
    const run = await runTrivy(trivy)
    expectFailedClosed(
      run,
      `${trivy.name} from ${trivy.url} has sha256 ${wrongBytesSha256(trivy)}, but the \`trivy-sha256\` sha256 is ` +
        `${trivy.sha256}; the file was deleted and nothing from it was extracted or run`,
    )
    expect(executables(run)).toEqual([])
  })

  // A body cut short of its Content-Length is a transport failure: it is retried (4 tries, 1+2+4 s apart) and never
  // reaches the hash comparison, so the error is a download error, not an integrity error.
  test('truncated: retried, then a download error naming the URL and the byte counts', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    scene.world.mirror.setFault(trivy.path, 'truncated')
    const run = await runTrivy(trivy)
    expectFailedClosed(
      run,
      new RegExp(
        `could not download ${escape(trivy.url)} after 4 attempts: ` +
          `(the body ended after \\d+ of ${trivy.bytes.length} bytes|the connection failed after \\d+ bytes)`,
      ),
    )
    expect(requestsTo(scene.world, trivy.path)).toHaveLength(4)
    expect(executables(run)).toEqual([])
  })

  test('a wrong trivy-sha256 for a good archive: an integrity error with both hashes', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    const given = 'e'.repeat(64)
    const run = await runTrivy(trivy, { 'trivy-sha256': given })
    expectFailedClosed(run, `has sha256 ${trivy.sha256}, but the \`trivy-sha256\` sha256 is ${given}`)
    expect(requestsTo(scene.world, trivy.path).map((request) => request.status)).toEqual([200])
    expect(executables(run)).toEqual([])
  })

  test('a tar with a ../ entry is refused before extraction; nothing lands outside', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion(), { traversal: true })
    const run = await runTrivy(trivy)
    expectFailedClosed(
      run,
      `${trivy.name} holds an unsafe entry "../evil" (a ".." path segment); refusing to extract it`,
    )
    expect(filesNamed(run, 'evil')).toEqual([])
    expect(filesNamed(run, 'trivy')).toEqual([])
    expect(executables(run)).toEqual([])
  })

  test('an archive without the trivy executable fails clearly', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion(), { omitBinary: true })
    const run = await runTrivy(trivy)
    expectFailedClosed(run, `${trivy.name} has no trivy at its top level (entries: LICENSE, README.md)`)
    expect(executables(run)).toEqual([])
  })

  test('an archive holding another release passes its hash but fails the identity check', async () => {
    const trivy = serveTrivy(scene.world, trivyVersion(), { reportedVersion: 'v0.74.1' })
    const run = await runTrivy(trivy)
    // The one failure in which a tool does start: `trivy --version` is how the mismatch is found; no scan follows.
    expect(run.exitCode).toBe(1)
    expect(run.outputs['scan-status']).toBe('error')
    expect(run.errors.join('\n')).toMatch(`reports version 0.74.1, but trivy ${trivy.version} was requested`)
    expect(commands(run)).toEqual(['trivy --version'])
  })
})

// cosign faults with signing on: Trivy installs alongside (verified, so its asset may stay in the tool cache for the
// next run) and may be asked its version (each identity check runs as soon as its tool is unpacked); cosign never
// runs, and nothing scans.
describe.concurrent('cosign faults fail the step before anything scans', () => {
  let cosignMinor = 80
  test.each([
    ['404', (cosign: ServedAsset) => `could not download ${cosign.url}: HTTP 404 Not Found`],
    [
      'wrong-bytes',
      (cosign: ServedAsset) =>
        `${cosign.name} from ${cosign.url} has sha256 ${wrongBytesSha256(cosign)}, but the \`cosign-sha256\` sha256 is ${cosign.sha256}`,
    ],
  ] as [MirrorFault, (cosign: ServedAsset) => string][])('cosign %s', async (fault, message) => {
    const trivy = serveTrivy(scene.world, trivyVersion())
    const cosign = serveCosign(scene.world, `v3.0.${cosignMinor++}`)
    scene.world.mirror.setFault(cosign.path, fault)
    const run = await runScenario(scene.world, image(), {
      inputs: {
        'trivy-version': trivy.version,
        'trivy-sha256': trivy.sha256,
        'cosign-version': cosign.version,
        'cosign-sha256': cosign.sha256,
      },
    })
    expectFailedClosed(run, message(cosign), { verifiedMayRun: ['trivy --version'] })
    expect(filesNamed(run, 'cosign')).toEqual([])
    expect(executables(run, /cosign/)).toEqual([])
    // Whatever is executable is the verified Trivy unpacked under RUNNER_TEMP, nothing else.
    for (const path of executables(run))
      expect(path).toMatch(new RegExp(`^${run.runner.temp}/vouch-trivy-\\w+/bin/trivy$`))
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
