// The vuln predicate: the shape cosign reads (its test predicate, the spec's example, a DSSE payload cosign accepts)
// and the one Trivy's `--format cosign-vuln` writes, trimmed to what a policy needs, small enough for 10 000 findings.
import { describe, expect, test } from 'vitest'
import { renderPredicate, type PredicateContext, type VulnPredicate } from '../../src/render/predicate.js'
import { uniqueFindings } from '../../src/report/merge.js'
import type { GateResult } from '../../src/report/verdict.js'
import { exception, fixtureReport, gateOf, IMAGE, manyFindings, readJsonFixture } from './builders.js'

type Json = Record<string, unknown>

const STARTED = new Date('2026-08-21T11:58:01.250Z')
const FINISHED = new Date('2026-08-21T11:59:47.900Z')

function context(gate: GateResult, overrides: Partial<PredicateContext> = {}): PredicateContext {
  return {
    gate,
    trivyVersion: 'v0.74.0',
    dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2',
    dbUpdatedAt: '2026-08-21T06:12:44.51Z',
    scanStartedOn: STARTED,
    scanFinishedOn: FINISHED,
    image: IMAGE,
    ...overrides,
  }
}

/** The invocation without its parameters: where the scan ran. */
function where(invocation: Json | VulnPredicate['invocation']): Json {
  const { uri, event_id, 'builder.id': builder } = invocation as Json
  return { uri, event_id, 'builder.id': builder }
}

/** The object's key tree (keys of nested objects, not of arrays), to compare shapes. */
function shape(value: unknown, depth: number): unknown {
  if (depth === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return typeof value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, shape((value as Json)[key], depth - 1)]),
  )
}

const alpine = fixtureReport('alpine-310.json.golden')
const predicate = renderPredicate(context(gateOf(alpine.findings)))

describe('shape', () => {
  test('the same fields as cosign’s own test predicate, down to scanner.result', () => {
    const reference = readJsonFixture<Json>('cosign/vuln-predicate.json')
    const withoutResult = (p: unknown) => {
      const copy = structuredClone(p) as { scanner: Json; invocation: Json }
      delete copy.scanner.result
      // cosign's predicate leaves `parameters` free (interface{}); vouch puts its gate facts there.
      delete copy.invocation.parameters
      return shape(copy, 3)
    }
    expect(withoutResult(predicate)).toEqual(withoutResult(reference))
  })

  test('the same fields as the spec’s example predicate and a DSSE payload cosign verifies', () => {
    const example = readJsonFixture<{ predicate: Json }>('cosign/COSIGN_VULN_ATTESTATION_SPEC.predicate-example.json')
    const payload = readJsonFixture<{ predicate: Json; predicateType: string }>('cosign/vuln.payload-decoded.json')
    expect(Object.keys(predicate).sort()).toEqual(Object.keys(example.predicate).sort())
    expect(Object.keys(predicate.invocation).sort()).toEqual(Object.keys(example.predicate.invocation as Json).sort())
    expect(shape(predicate.metadata, 1)).toEqual(shape(payload.predicate.metadata, 1))
    expect(payload.predicateType).toBe('https://cosign.sigstore.dev/attestation/vuln/v1')
  })

  test('invocation: empty strings without a runner, as Trivy writes an invocation it knows nothing about', () => {
    const trivy = readJsonFixture<{ invocation: Json }>('cosign/trivy-docs-cosign-vuln-alpine-3.10.json')
    expect(where(predicate.invocation)).toEqual(where(trivy.invocation))
  })

  test('invocation: the run attempt, the run ID and the workflow ref from the environment handed in', () => {
    const run = renderPredicate(
      context(gateOf([]), {
        environment: {
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_RUN_ID: '9876543210',
          GITHUB_RUN_ATTEMPT: '2',
          GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/release.yml@refs/tags/v1.4.0',
        },
      }),
    )
    expect(where(run.invocation)).toEqual({
      uri: 'https://github.com/acme/shop/actions/runs/9876543210/attempts/2',
      event_id: '9876543210',
      'builder.id': 'acme/shop/.github/workflows/release.yml@refs/tags/v1.4.0',
    })
    // Keys in CONTRACT.md's order, parameters last.
    expect(Object.keys(run.invocation)).toEqual(['uri', 'event_id', 'builder.id', 'parameters'])
  })

  test('invocation: a run without an attempt number is still named by its run URL', () => {
    const run = renderPredicate(
      context(gateOf([]), {
        environment: { GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '7' },
      }),
    )
    expect(run.invocation.uri).toBe('https://ghe.example.com/a/b/actions/runs/7')
    expect(run.invocation['builder.id']).toBe('')
  })

  test('invocation.parameters.vouch: the gate facts exactly as CONTRACT.md shows them', () => {
    const suppressed = fixtureReport('npm-with-suppressed.json.golden')
    const [vex] = uniqueFindings(suppressed.findings, suppressed.modified).modified
    if (vex === undefined) throw new Error('fixture changed')
    // alpine 3.10: four MEDIUM findings under the default budgets, and two findings set aside.
    const gate = gateOf(alpine.findings, {
      ignored: [
        { finding: vex.finding, reason: { kind: 'vex', statement: vex.statement, source: vex.source } },
        { finding: vex.finding, reason: { kind: 'unfixed' } },
      ],
    })
    const facts = renderPredicate(context(gate)).invocation.parameters
    expect(facts).toEqual({
      vouch: {
        scanStatus: 'passed',
        annotationKey: 'security.example.com/scan-status',
        budgets: { critical: 0, high: 0, medium: null, low: null, unknown: null },
        counted: { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 },
        ignored: 2,
      },
    })
    expect(renderPredicate(context(gate, { annotationKey: 'gate.example.org/verdict' })).invocation.parameters).toEqual(
      { vouch: { ...facts.vouch, annotationKey: 'gate.example.org/verdict' } },
    )
    // `null` survives JSON, so a policy's numeric comparison on an unlimited budget fails closed.
    expect(JSON.parse(JSON.stringify(facts)).vouch.budgets.medium).toBeNull()
  })

  test('invocation.parameters.vouch: a breached budget says failed, with the budgets that held', () => {
    const gate = gateOf(fixtureReport('alpine-39.json.golden').findings, {
      budgets: { CRITICAL: 1, HIGH: 0, MEDIUM: 10, LOW: null, UNKNOWN: null },
    })
    const { vouch } = renderPredicate(context(gate)).invocation.parameters
    expect(vouch).toEqual({
      scanStatus: 'failed',
      annotationKey: 'security.example.com/scan-status',
      budgets: { critical: 1, high: 0, medium: 10, low: null, unknown: null },
      counted: { critical: 2, high: 0, medium: 4, low: 0, unknown: 0 },
      ignored: 0,
    })
  })

  test('scanner: Trivy’s purl and version, as Trivy names itself (no v)', () => {
    expect(predicate.scanner.uri).toBe('pkg:github/aquasecurity/trivy@0.74.0')
    expect(predicate.scanner.version).toBe('0.74.0')
    const trivy = readJsonFixture<VulnPredicate>('cosign/trivy-docs-cosign-vuln-alpine-3.10.json')
    expect(trivy.scanner.uri).toBe(`pkg:github/aquasecurity/trivy@${trivy.scanner.version}`)
  })

  test('the DB and the scan times are filled in, times in RFC 3339 as cosign parses them', () => {
    expect(predicate.scanner.db).toEqual({
      uri: 'mirror.gcr.io/aquasec/trivy-db:2',
      version: '2026-08-21T06:12:44.51Z',
    })
    expect(predicate.metadata).toEqual({
      scanStartedOn: '2026-08-21T11:58:01.250Z',
      scanFinishedOn: '2026-08-21T11:59:47.900Z',
    })
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/
    expect(predicate.metadata.scanStartedOn).toMatch(rfc3339)
    expect(predicate.scanner.result.CreatedAt).toMatch(rfc3339)
  })
})

describe('result', () => {
  test('keeps Trivy’s report structure for the scanned image', () => {
    const { Results, ...top } = predicate.scanner.result
    expect(top).toEqual({
      SchemaVersion: 2,
      CreatedAt: '2026-08-21T11:59:47.900Z',
      ArtifactName: IMAGE,
      ArtifactType: 'container_image',
      Metadata: { RepoDigests: [IMAGE] },
    })
    expect(Results.map(({ Target, Class, Type }) => ({ Target, Class, Type }))).toEqual([
      { Target: 'testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)', Class: 'os-pkgs', Type: 'alpine' },
    ])
  })

  test('each vulnerability is Trivy’s, with only the fields a policy needs', () => {
    const golden = readJsonFixture<{ Results: { Vulnerabilities: Json[] }[] }>('trivy/json/alpine-310.json.golden')
    const fields = ['VulnerabilityID', 'PkgName', 'PkgPath', 'InstalledVersion', 'FixedVersion', 'Severity', 'Status']
    const trimmed = golden.Results[0]?.Vulnerabilities.map((vulnerability) =>
      Object.fromEntries(fields.filter((key) => key in vulnerability).map((key) => [key, vulnerability[key]])),
    )
    const ours = predicate.scanner.result.Results[0]?.Vulnerabilities ?? []
    expect([...ours].sort(byIdAndPackage)).toEqual([...(trimmed ?? [])].sort(byIdAndPackage))
  })

  test('a PkgID that says more than name@version is kept', () => {
    const gate = gateOf(fixtureReport('pom.json.golden').findings)
    const vulnerabilities = renderPredicate(context(gate)).scanner.result.Results.flatMap(
      (r) => r.Vulnerabilities ?? [],
    )
    expect(vulnerabilities.some((vulnerability) => vulnerability.PkgID?.includes(':'))).toBe(true)
  })

  test('ignored findings go under ExperimentalModifiedFindings, as Trivy records VEX and ignore files', () => {
    const report = fixtureReport('npm-with-suppressed.json.golden')
    const { findings, modified } = uniqueFindings(report.findings, report.modified)
    const [vex] = modified
    const [counted] = findings
    if (vex === undefined || counted === undefined) throw new Error('fixture changed')
    const gate = gateOf([], {
      ignored: [
        { finding: vex.finding, reason: { kind: 'vex', statement: vex.statement, source: vex.source } },
        { finding: counted, reason: { kind: 'exception', exception: exception({ id: counted.id }) } },
      ],
    })
    const [result] = renderPredicate(context(gate)).scanner.result.Results
    expect(result?.Vulnerabilities).toBeUndefined()
    expect(result?.ExperimentalModifiedFindings?.map(({ Finding: _, ...rest }) => rest)).toEqual([
      {
        Type: 'vulnerability',
        Status: 'not_affected',
        Statement: 'VEX (./vex.json): vulnerable_code_not_in_execute_path',
        Source: './vex.json',
      },
      {
        Type: 'vulnerability',
        Status: 'ignored',
        Statement: 'exception (.trivyignore.yaml:3, until 2026-12-31): fork() is never called after the RNG is seeded',
        Source: '.trivyignore.yaml:3',
      },
    ])
    // Trivy's own record of the VEX finding has the same four fields around the finding.
    const golden = readJsonFixture<{ Results: { ExperimentalModifiedFindings: Json[] }[] }>(
      'trivy/json/npm-with-suppressed.json.golden',
    )
    const trivyRecord = golden.Results[0]?.ExperimentalModifiedFindings[0] ?? {}
    expect(Object.keys(result?.ExperimentalModifiedFindings?.[0] ?? {}).sort()).toEqual(Object.keys(trivyRecord).sort())
    expect(result?.ExperimentalModifiedFindings?.[0]?.Finding.VulnerabilityID).toBe(
      (trivyRecord.Finding as Json).VulnerabilityID,
    )
  })
})

test('10 000 findings make a predicate under 2 MiB', () => {
  const findings = manyFindings(10_000).map((item) => ({ ...item, status: item.fixable ? 'fixed' : 'affected' }))
  const large = renderPredicate(context(gateOf(findings)))
  const bytes = Buffer.byteLength(JSON.stringify(large), 'utf8')
  expect(bytes).toBeLessThan(2 * 1024 * 1024)
  const count = large.scanner.result.Results.reduce((sum, result) => sum + (result.Vulnerabilities?.length ?? 0), 0)
  expect(count).toBe(10_000)
})

function byIdAndPackage(a: { VulnerabilityID?: unknown; PkgName?: unknown }, b: typeof a): number {
  return `${String(a.VulnerabilityID)} ${String(a.PkgName)}`.localeCompare(
    `${String(b.VulnerabilityID)} ${String(b.PkgName)}`,
  )
}
