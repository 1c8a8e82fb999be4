// The benchmark's helpers do what its figures rely on: the generated report is a valid Trivy report of the asked
// size whose duplicates and exceptions are what the generator says; the shell stand-ins answer what vouch reads; the
// throttled mirror still serves every byte.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateReport } from '../../bench/generate-report.js'
import { standIns } from '../../bench/stand-ins.js'
import { readTrivyReport } from '../../src/report/trivy.js'
import { mergeReports } from '../../src/report/merge.js'
import { matches } from '../../src/report/exceptions.js'
import { parseCosignVersion, parseTrivyVersion } from '../../src/tools/identity.js'
import {
  checkVerifiedAttestation,
  checkVerifiedSignature,
  parseAttestationStatements,
  parseVerifiedSignatures,
} from '../../src/cosign/output.js'
import { startMirror } from '../support/mirror.js'

const corpus = path.resolve(__dirname, '../fixtures/trivy/json')
const work = mkdtempSync(path.join(tmpdir(), 'vouch-bench-test-'))
const DIGEST = `sha256:${'ab'.repeat(32)}`
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('generateReport', () => {
  it('writes a Trivy report of at least the asked size that vouch reads, duplicates and exceptions included', () => {
    const file = path.join(work, 'report.json')
    const asked = 512 * 1024
    const generated = generateReport(corpus, file, { bytes: asked, digest: DIGEST })

    expect(statSync(file).size).toBe(generated.bytes)
    expect(generated.bytes).toBeGreaterThanOrEqual(asked)
    // It stops after the result that crosses the size: never far beyond it.
    expect(generated.bytes).toBeLessThan(asked * 1.5)
    const report = readTrivyReport(readFileSync(file, 'utf8'), { digest: DIGEST })
    expect(report.findings).toHaveLength(generated.entries + generated.duplicates)
    expect(mergeReports([report]).findings).toHaveLength(generated.entries)
    expect(generated.exceptions.length).toBeGreaterThan(0)
    for (const exception of generated.exceptions.filter((e) => e.paths === undefined && e.purls === undefined)) {
      expect(report.findings.some((finding) => matches(exception, finding))).toBe(true)
    }
  })
})

describe('stand-in tools', () => {
  const repository = '127.0.0.1:5000/bench/app'
  const tools = standIns(path.join(work, 'tools'), {
    report: path.join(corpus, 'alpine-310.json.golden'),
    repository,
    digest: DIGEST,
  })
  const [trivyAsset, cosignAsset] = [...tools.assets.values()] as [Buffer, Buffer]
  const bin = path.join(work, 'bin')
  execFileSync('mkdir', ['-p', bin])
  writeFileSync(path.join(bin, 'archive.tar.gz'), trivyAsset)
  execFileSync('tar', ['xzf', 'archive.tar.gz'], { cwd: bin })
  writeFileSync(path.join(bin, 'cosign'), cosignAsset)
  chmodSync(path.join(bin, 'cosign'), 0o755)
  const run = (tool: string, args: string[]): string =>
    execFileSync(path.join(bin, tool), args, { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] })

  it('report the versions their assets are released as', () => {
    expect(parseTrivyVersion(run('trivy', ['--version']))).toBe(tools.inputs['trivy-version'].slice(1))
    expect(parseCosignVersion(run('cosign', ['version']))).toBe(tools.inputs['cosign-version'])
  })

  it('write a report naming the image, and record every argv', () => {
    const out = path.join(work, 'trivy.json')
    const scanned = `${repository}@${DIGEST}`
    run('trivy', ['image', '--format', 'json', '--output', out, '--cache-dir', path.join(work, 'cache'), scanned])
    expect(JSON.parse(readFileSync(out, 'utf8')).ArtifactName).toBe(scanned)
    expect(readTrivyReport(readFileSync(out, 'utf8'), { digest: DIGEST }).findings).toHaveLength(4)
    const last = tools.invocations().at(-1)
    expect(last?.tool).toBe('trivy')
    expect(last?.argv).toEqual([
      'image',
      '--format',
      'json',
      '--output',
      out,
      '--cache-dir',
      path.join(work, 'cache'),
      scanned,
    ])
  })

  it('verify only after signing, with the annotations signed, and verify a vuln attestation of the digest', () => {
    const annotations: [string, string][] = [
      ['security.example.com/scan-status', 'passed'],
      ['security.example.com/scanner', 'trivy@v0.74.99'],
    ]
    expect(() => run('cosign', ['verify', `${repository}@${DIGEST}`])).toThrow()
    run('cosign', ['sign', ...annotations.flatMap(([key, value]) => ['-a', `${key}=${value}`]), 'x'])
    const verified = parseVerifiedSignatures(run('cosign', ['verify', 'x']))
    expect(() => checkVerifiedSignature(verified, { digest: DIGEST, annotations, format: 'legacy' })).not.toThrow()
    const statements = parseAttestationStatements(run('cosign', ['verify-attestation', 'x']))
    expect(() => checkVerifiedAttestation(statements, DIGEST)).not.toThrow()
    tools.reset()
    expect(() => run('cosign', ['verify', 'x'])).toThrow()
  })
})

describe('throttled mirror', () => {
  it('serves every byte of an asset, unchanged', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251))
    const mirror = await startMirror(new Map([['/a/b/releases/download/v1/asset', bytes]]), {
      bytesPerSecond: 2_000_000,
    })
    try {
      const response = await fetch(`${mirror.url}/a/b/releases/download/v1/asset`)
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true)
      expect(mirror.requests).toMatchObject([{ status: 200 }])
    } finally {
      await mirror.close()
    }
  })
})
