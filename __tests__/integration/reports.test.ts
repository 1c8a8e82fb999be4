// "Reports for people and tools", through the bundled action: the job summary the runner would upload, the workflow
// annotations, and the JSON, SARIF and vuln-predicate files that the outputs point to.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Ajv } from 'ajv'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  fixtures,
  pushImage,
  pushIndex,
  reports,
  runScenario,
  startWorld,
  type ScenarioRun,
  type World,
} from './world.js'

let world: World
let image: string
let multi: string
let platformsOf: Record<string, string>

beforeAll(async () => {
  world = await startWorld()
  await pushImage(world.registry.host, 'team/app', '1.0')
  platformsOf = (await pushIndex(world.registry.host, 'team/multi', '2.0', ['linux/amd64', 'linux/arm64'])).platforms
  image = `${world.registry.host}/team/app:1.0`
  multi = `${world.registry.host}/team/multi:2.0`
})
afterAll(async () => world.close())

/** CentOS 7 scanned by Trivy v0.20.0: 26 HIGH, 279 MEDIUM, 406 LOW. */
const centos7 = path.join(fixtures, 'trivy/json/historical/v0.20.0/centos-7.json.golden')
/** The same alpine 3.9 image as `reports.critical`, HIGH and CRITICAL only: what a second platform shares with it. */
const alpine39HighCritical = path.join(fixtures, 'trivy/json/alpine-39-high-critical.json.golden')
const DB_UPDATED_AT = '2026-08-20T18:04:11.123456789Z'
const ANNOTATION_KEY = 'security.example.com/scan-status'

const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/
const ajv = new Ajv({ strict: false })
ajv.addFormat('uri', (value: string) => URI_REFERENCE.test(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value))
ajv.addFormat('uri-reference', (value: string) => URI_REFERENCE.test(value))
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)))
const readJson = async (file: string): Promise<unknown> => JSON.parse(await readFile(file, 'utf8')) as unknown
let validateSarif: ReturnType<typeof ajv.compile> | undefined

// A DB download that is rate-limited is retried with back-off: one such run serves every test that reads it.
let rateLimitedRun: Promise<ScenarioRun> | undefined
const rateLimited = () =>
  (rateLimitedRun ??= runScenario(world, image, { env: { VOUCH_FAKE_TRIVY_FAIL: 'toomanyrequests' } }))

describe('the job summary the runner uploads', () => {
  test.each([
    ['passed', () => runScenario(world, image), 0, '| MEDIUM | 4 | no limit | ✅ held |'],
    [
      'failed',
      () => runScenario(world, image, { reports: { default: reports.critical } }),
      1,
      '| CRITICAL | 2 | 0 | ❌ over budget |',
    ],
    ['error', rateLimited, 1, '| CRITICAL | – | 0 | not checked |'],
  ])('%s: the verdict, the budgets table and the gate annotation', async (status, scenario, exitCode, row) => {
    const run = await scenario()
    expect(run.exitCode, run.stdout).toBe(exitCode)
    expect(run.outputs['scan-status']).toBe(status)
    expect(run.summary).toMatch(new RegExp(`^## \\S+ vouch: ${status}\\n`))
    expect(run.summary).toContain('### Budgets\n\n| Severity | Counted | Budget | Result |')
    expect(run.summary).toContain(row)
    expect(run.summary).toContain(`Gate annotation: <code>${ANNOTATION_KEY}=${status}</code>`)
    expect(run.outputs.annotation).toBe(`${ANNOTATION_KEY}=${status}`)
  })

  test('passed and signed: the headline says so, and the summary tells how to verify it', async () => {
    const run = await runScenario(world, image)
    expect(run.summary).toContain('The image was **signed**, and the scan result attached as a signed attestation.')
    expect(run.summary).toContain('```sh\ncosign verify \\\n  --key cosign.pub \\\n')
    expect(run.summary).toMatch(/<details><summary>cosign\.pub<\/summary>\n\n```\n-----BEGIN PUBLIC KEY-----\n/)
  })

  test('error: what went wrong and what to do, once', async () => {
    const run = await rateLimited()
    expect(run.summary).toContain('### What went wrong\n\n```text\nTrivy could not download its vulnerability DB')
    expect(run.summary).toContain('**What to do**: Set <code>db-repository</code> to a mirror')
    expect(run.summary.match(/to a mirror this runner can reach/g)).toHaveLength(1)
  })

  test('two platforms: each finding names the platforms it affects', async () => {
    const run = await runScenario(world, multi, {
      reports: {
        [platformsOf['linux/amd64'] ?? '']: reports.critical,
        [platformsOf['linux/arm64'] ?? '']: alpine39HighCritical,
      },
      inputs: { 'max-critical': '', sign: 'false' },
    })
    expect(run.outputs['scan-status'], run.stdout).toBe('passed')
    expect(run.summary).toContain('- **Platforms** linux/amd64, linux/arm64')
    const rows = run.summary.split('\n').filter((line) => line.startsWith('| [CVE-'))
    const musl = rows.filter((line) => line.includes('| musl |'))
    const libssl = rows.filter((line) => line.includes('| libssl1.1 |'))
    expect(musl).toHaveLength(1)
    expect(musl[0]).toMatch(/\| linux\/amd64<br>linux\/arm64 \|$/)
    expect(libssl.length).toBeGreaterThan(0)
    for (const line of libssl) expect(line).toMatch(/\| linux\/amd64 \|$/)
  })

  test("summary: 'false' leaves the summary file empty, and says nothing about it", async () => {
    const run = await runScenario(world, image, { inputs: { summary: 'false', sign: 'false' } })
    expect(run.exitCode).toBe(0)
    expect(run.summary).toBe('')
    expect(run.warnings.join('\n')).not.toMatch(/summary/i)
  })

  // A runner without job summaries leaves GITHUB_STEP_SUMMARY out; @actions/core treats an empty one the same way.
  test.each([
    ['unset', undefined],
    ['empty', ''],
  ])('GITHUB_STEP_SUMMARY %s: the run still passes, with a warning', async (_, value) => {
    const run = await runScenario(world, image, { inputs: { sign: 'false' }, env: { GITHUB_STEP_SUMMARY: value } })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs['scan-status']).toBe('passed')
    expect(run.summary).toBe('')
    expect(run.warnings).toContain(
      'The job summary could not be written: Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    )
  })
})

describe('workflow annotations', () => {
  test('26 HIGH over a budget of 0: ten ::error:: lines, one for the rest, then the verdict', async () => {
    const run = await runScenario(world, image, {
      reports: { default: centos7 },
      inputs: { 'max-high': '0', sign: 'false' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.high).toBe('26')
    expect(run.errors).toHaveLength(12)
    const findings = run.errors.slice(0, 10)
    for (const line of findings) expect(line).toMatch(/^CVE-\d{4}-\d+ \(HIGH\) in \S+ \S+ → \S+/)
    expect(run.errors[10]).toBe('16 more findings breach a budget; the job summary and reports list them all.')
    expect(run.errors[11]).toMatch(/failed the gate: 26 HIGH \(budget 0\)$/)
    // The same ten, in the same order, as the first rows of the summary's table of breaching findings.
    const table = run.summary.slice(run.summary.indexOf('### ❌ Findings that breach a budget (26)'))
    const rowIds = [...table.matchAll(/^\| \[(CVE-\d{4}-\d+)\]/gm)].slice(0, 10).map((match) => match[1])
    expect(findings.map((line) => line.split(' ')[0])).toEqual(rowIds)
  })
})

describe('the report files the outputs name', () => {
  test.each([
    ['passed', reports.mediumOnly, 4],
    ['failed', reports.critical, 6],
  ])('%s: JSON, SARIF and predicate exist and parse; the SARIF is valid SARIF 2.1.0', async (status, report, count) => {
    const run = await runScenario(world, image, { reports: { default: report }, inputs: { sign: 'false' } })
    expect(run.outputs['scan-status']).toBe(status)
    const json = (await readJson(run.outputs['json-report'] ?? '')) as {
      Metadata: { RepoDigests: string[] }
      Results: { Vulnerabilities?: unknown[] }[]
    }
    expect(json.Metadata.RepoDigests).toEqual([run.outputs.image])
    expect(json.Results.flatMap((result) => result.Vulnerabilities ?? [])).toHaveLength(count)

    const sarif = (await readJson(run.outputs['sarif-report'] ?? '')) as { runs: { results: unknown[] }[] }
    const schema = (await readJson(path.join(fixtures, 'sarif/sarif-schema-2.1.0.json'))) as object
    const validate = (validateSarif ??= ajv.compile(schema))
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(sarif.runs[0]?.results).toHaveLength(count)

    const predicate = (await readJson(run.outputs.predicate ?? '')) as { scanner: { result: { ArtifactName: string } } }
    expect(predicate.scanner.result.ArtifactName).toBe(run.outputs.image)
  })

  test("the predicate's subject-independent fields hold this run's values", async () => {
    const before = Date.now()
    const run = await runScenario(world, image, { env: { VOUCH_FAKE_TRIVY_DB_UPDATED_AT: DB_UPDATED_AT } })
    const after = Date.now()
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', attested: 'true', 'db-updated-at': DB_UPDATED_AT })
    const predicate = (await readJson(run.outputs.predicate ?? '')) as {
      invocation: Record<string, unknown>
      scanner: { uri: string; version: string; db: { uri: string; version: string }; result: { CreatedAt: string } }
      metadata: { scanStartedOn: string; scanFinishedOn: string }
    }
    // CONTRACT.md "Signed gate facts in the attestation": where the run was, and what the gate held (alpine 3.10).
    expect(predicate.invocation).toEqual({
      uri: 'https://github.com/example/app/actions/runs/1/attempts/1',
      event_id: '1',
      'builder.id': 'example/app/.github/workflows/release.yml@refs/heads/main',
      parameters: {
        vouch: {
          scanStatus: 'passed',
          annotationKey: 'security.example.com/scan-status',
          budgets: { critical: 0, high: 0, medium: null, low: null, unknown: null },
          counted: { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 },
          ignored: 0,
        },
      },
    })
    expect(predicate.scanner).toMatchObject({
      uri: 'pkg:github/aquasecurity/trivy@0.74.99',
      version: '0.74.99',
      db: { uri: 'mirror.gcr.io/aquasec/trivy-db:2', version: DB_UPDATED_AT },
    })
    const started = Date.parse(predicate.metadata.scanStartedOn)
    const finished = Date.parse(predicate.metadata.scanFinishedOn)
    expect(before).toBeLessThanOrEqual(started)
    expect(started).toBeLessThanOrEqual(finished)
    expect(finished).toBeLessThanOrEqual(after)
    expect(predicate.scanner.result.CreatedAt).toBe(predicate.metadata.scanFinishedOn)
  })
})
