// The job summary for each kind of run, as file snapshots a reviewer can read (fixtures/render/summary/*.md), plus the
// behaviour each one must show.
import { describe, expect, test } from 'vitest'
import { DownloadError, InputError } from '../../src/errors.js'
import { errorVerdict } from '../../src/main.js'
import { renderSummary, type SummaryContext } from '../../src/render/summary.js'
import { uniqueFindings } from '../../src/report/merge.js'
import type { Verdict } from '../../src/report/verdict.js'
import {
  budgets,
  exception,
  finding,
  fixtureFindings,
  fixtureReport,
  gateOf,
  IMAGE,
  NOW,
  verdictOf,
} from './builders.js'

const PATHS = {
  json: '/home/runner/work/_temp/vouch/trivy.json',
  sarif: '/home/runner/work/_temp/vouch/trivy.sarif',
  predicate: '/home/runner/work/_temp/vouch/vuln-predicate.json',
}

function context(verdict: Verdict, overrides: Partial<SummaryContext> = {}): SummaryContext {
  return {
    verdict,
    image: IMAGE,
    platforms: [],
    trivyVersion: '0.74.0',
    dbUpdatedAt: '2026-08-21T06:12:44.51Z',
    now: NOW,
    enforce: true,
    annotationKey: 'security.example.com/scan-status',
    budgets: budgets(),
    reportPaths: PATHS,
    ...overrides,
  }
}

const passed = verdictOf(gateOf(fixtureFindings('alpine-310.json.golden')))
const failed = verdictOf(gateOf(fixtureFindings('alpine-39.json.golden')))
const rateLimited: Verdict = {
  status: 'error',
  cause:
    'trivy could not download the vulnerability DB from mirror.gcr.io/aquasec/trivy-db:2, ghcr.io/aquasecurity/trivy-db:2:\nGET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1.2s, allowed: 44000/minute',
  remedy: 'Wait a few minutes and re-run, or point db-repository at a mirror you control.',
}

describe('summary snapshots', () => {
  test('passed', async () => {
    const summary = renderSummary(context(passed))
    expect(summary.startsWith('## ✅ vouch: passed')).toBe(true)
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/passed.md')
  })

  test('failed with breaches', async () => {
    const summary = renderSummary(context(failed))
    expect(summary.startsWith('## ❌ vouch: failed')).toBe(true)
    expect(summary).toContain(
      '**Over budget**: 2 CRITICAL (budget 0). The step fails, and the image was **not signed**.',
    )
    expect(summary).toContain('| CRITICAL | 2 | 0 | ❌ over budget |')
    expect(summary).toContain('| MEDIUM | 4 | no limit | ✅ held |')
    expect(summary.indexOf('Findings that breach a budget')).toBeLessThan(summary.indexOf('Other counted findings'))
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/failed.md')
  })

  test('audit mode says the failure did not fail the step and nothing was signed', async () => {
    const summary = renderSummary(context(failed, { enforce: false }))
    expect(summary).toContain('**Mode** audit')
    expect(summary).toContain('this failure did not fail the step')
    expect(summary).toContain('The image was **not signed**')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/audit.md')
  })

  test('error from a rate limit, with cause and remedy', async () => {
    const summary = renderSummary(context(rateLimited, { dbUpdatedAt: undefined }))
    expect(summary.startsWith('## ⚠️ vouch: error')).toBe(true)
    expect(summary).toContain('TOOMANYREQUESTS')
    expect(summary).toContain('**What to do**: Wait a few minutes')
    // The error's own remedy is the advice; the generic one would say the same twice.
    expect(summary).not.toContain('A registry is rate-limiting this runner')
    expect(summary).toContain('| HIGH | – | 0 | not checked |')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/error-rate-limit.md')
  })

  test('error on an input: no image, no scan, and the input to fix', async () => {
    const verdict = errorVerdict(
      new InputError('max-high', '-1', 'must be a whole number ≥ 0, or empty for no limit'),
      'inputs',
    )
    const summary = renderSummary(context(verdict, { image: '', trivyVersion: undefined, dbUpdatedAt: undefined }))
    expect(summary).toContain('An input is not valid, so nothing was downloaded, scanned or signed.')
    expect(summary).not.toContain('The scan could not be completed')
    expect(summary).toContain('**What to do**: Fix <code>max-high</code>')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/error-input.md')
  })

  test('error on a download: the URL, the status and tools-mirror', async () => {
    const url = 'https://github.com/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz'
    const verdict = errorVerdict(new DownloadError(`GET ${url} answered 503 Service Unavailable`, url, 503), 'install')
    const summary = renderSummary(context(verdict, { trivyVersion: undefined, dbUpdatedAt: undefined }))
    expect(summary).toContain('Trivy or cosign could not be installed and verified, so nothing was scanned.')
    expect(summary).toContain('<code>tools-mirror</code>')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/error-download.md')
  })

  test('exceptions, valid and expired, and other reasons to ignore', async () => {
    const stretch = fixtureFindings('debian-stretch.json.golden')
    const statuses = fixtureFindings('defectdojo/all_statuses.json')
    const vex = fixtureReport('npm-with-suppressed.json.golden').modified[0]
    const excepted = stretch.find((item) => item.pkgName === 'e2fsprogs')
    const unfixed = statuses.find((item) => item.status === 'will_not_fix')
    const notAffected = statuses.find((item) => item.status === 'not_affected')
    if (!excepted || !unfixed || !notAffected || !vex) throw new Error('a fixture changed')
    const gate = gateOf(
      stretch.filter((item) => item !== excepted),
      {
        budgets: budgets({ MEDIUM: 10 }),
        ignored: [
          {
            finding: excepted,
            reason: {
              kind: 'exception',
              exception: exception({ id: excepted.id, statement: 'debugfs is never run: no ext4 images are opened' }),
            },
          },
          { finding: unfixed, reason: { kind: 'unfixed' } },
          { finding: notAffected, reason: { kind: 'not_affected' } },
          { finding: vex.finding, reason: { kind: 'vex', statement: vex.statement, source: vex.source } },
        ],
        expiredExceptions: [
          exception({ id: 'CVE-2019-3462', expiresOn: '2026-06-30', source: '.trivyignore:7', statement: undefined }),
        ],
      },
    )
    const summary = renderSummary(context(verdictOf(gate)))
    expect(summary).toContain('### Ignored findings (4)')
    expect(summary).toContain(
      'debugfs is never run: no ext4 images are opened (exception until 2026-12-31, <code>.trivyignore.yaml:3</code>)',
    )
    expect(summary).toContain('No fixed version yet (<code>ignore-unfixed</code>)')
    expect(summary).toContain('vulnerable&#95;code&#95;not&#95;in&#95;execute&#95;path (VEX, <code>./vex.json</code>)')
    expect(summary).toContain('### ⚠️ Expired exceptions (1)')
    expect(summary).toContain('<code>CVE-2019-3462</code> expired on 2026-06-30 (<code>.trivyignore:7</code>)')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/exceptions.md')
  })

  test('two platforms: the platforms column says where each finding was seen', async () => {
    const amd64 = fixtureFindings('alpine-39.json.golden', 'linux/amd64')
    const arm64 = fixtureFindings('alpine-39.json.golden', 'linux/arm64').slice(0, 3)
    const { findings } = uniqueFindings([...amd64, ...arm64], [])
    const summary = renderSummary(context(verdictOf(gateOf(findings)), { platforms: ['linux/amd64', 'linux/arm64'] }))
    expect(summary).toContain('**Platforms** linux/amd64, linux/arm64')
    expect(summary).toContain('| Platforms |')
    expect(summary).toMatch(/\| linux\/amd64<br>linux\/arm64 \|$/m)
    expect(summary).toMatch(/\| linux\/amd64 \|$/m)
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/two-platforms.md')
  })

  test('with the signature and attestation section', async () => {
    const summary = renderSummary(
      context(passed, {
        signing: {
          signed: true,
          signature: 'ghcr.io/acme/shop:sha256-3c19aa980a9c5709a2c96c2d0779febf6e5e453b92b172ce84cb85fdaf695373.sig',
          attested: true,
          // The exact identity of the signing workflow (https://github.com/ + GITHUB_WORKFLOW_REF), not a pattern
          // that every workflow of the repository matches, and the signed annotations.
          verifyCommand: `cosign verify --certificate-identity https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com -a security.example.com/scan-status=passed -a security.example.com/max-critical=0 -a security.example.com/max-high=0 ${IMAGE}`,
        },
      }),
    )
    expect(summary).toContain('### Signature and attestation')
    expect(summary).toContain(
      '```sh\ncosign verify \\\n  --certificate-identity https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main \\\n  --certificate-oidc-issuer',
    )
    expect(summary).not.toContain('regexp')
    expect(summary).toContain('**Attestation**: the scan result, as a signed')
    expect(summary).toContain('The image was **signed**, and the scan result attached as a signed attestation.')
    await expect(summary).toMatchFileSnapshot('../fixtures/render/summary/signed.md')
  })
})

describe('summary content', () => {
  test.each(['Could not reach ghcr.io: connect ETIMEDOUT (timed out)', 'GET https://ghcr.io/v2/x: TOOMANYREQUESTS'])(
    'an error with no remedy of its own gets no advice guessed from its words: %s',
    (cause) => {
      const summary = renderSummary(context({ status: 'error', cause }))
      expect(summary).toContain('**What to do**: vouch did not expect this error.')
      expect(summary).not.toContain('Raise <code>timeout</code>')
      expect(summary).not.toContain('<code>db-repository</code>')
    },
  )

  test('a failed image: the headline says it was not signed, and there is no signature section', () => {
    const summary = renderSummary(context(failed, { signing: { signed: false, attested: false } }))
    expect(summary).toContain('the image was **not signed**')
    expect(summary).not.toContain('### Signature and attestation')
    expect(summary).toContain('Do not deploy this image')
    // The refusal comes from the signature; the annotation is advisory, and the summary does not say otherwise.
    expect(summary).toContain('a cluster that requires the signature vouch makes refuses it')
    expect(summary).not.toMatch(/gate annotation\) refuses/)
  })

  test('a passed image that was not signed says why, with input names as code', () => {
    const summary = renderSummary(
      context(passed, { signing: { signed: false, attested: false, skippedReason: '`sign` is false' } }),
    )
    expect(summary).toContain('The image was **not signed** (<code>sign</code> is false).')
    expect(summary).toContain('- **Signed**: no (<code>sign</code> is false)')
  })

  test('an error after signing says the image was signed', () => {
    const signing = { signed: true, attested: false, signature: 'ghcr.io/acme/shop:sha256-3c19.sig' }
    const summary = renderSummary(
      context({ status: 'error', cause: 'cosign attest failed', gate: passed.gate }, { signing }),
    )
    expect(summary).toContain(
      'The scan completed, but vouch could not finish its work. The image was signed before the error.',
    )
    expect(summary).toContain('- **Signed**: yes, stored at <code>ghcr.io/acme/shop:sha256-3c19.sig</code>')
    expect(summary).not.toContain('Do not deploy')
  })

  test('an error before the gate shows the budgets it would have held, as not checked', () => {
    const summary = renderSummary(context(rateLimited, { budgets: budgets({ MEDIUM: 5 }) }))
    expect(renderSummary(context(rateLimited, { budgets: undefined }))).not.toContain('### Budgets')
    expect(summary).toContain('### Budgets')
    expect(summary).toContain('| CRITICAL | – | 0 | not checked |')
    expect(summary).toContain('| MEDIUM | – | 5 | not checked |')
    expect(summary).toContain('The budgets this run would have held the findings to.')
  })

  test('the remedy at the end of a cause is said once, and a long cause is wrapped to be read without scrolling', () => {
    const remedy = 'Raise `timeout` (for example `timeout: 20m`).'
    const cause = `Trivy did not finish scanning ${IMAGE} within the 600s \`timeout\`. ${remedy}`
    const summary = renderSummary(context({ status: 'error', cause, remedy }))
    const block = /```text\n([\s\S]*?)\n```/.exec(summary)?.[1] ?? ''
    expect(block).not.toContain('for example')
    expect(Math.max(...block.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100)
    expect(block.replace(/\n/g, ' ')).toContain(`scanning ${IMAGE} within the 600s`)
    expect(summary).toContain('**What to do**: Raise <code>timeout</code> (for example <code>timeout: 20m</code>).')
  })

  test('the DB age names a cached fallback DB', () => {
    const summary = renderSummary(context(passed, { dbCachedFallback: true }))
    expect(summary).toContain(
      '- **Scanner** Trivy 0.74.0, DB built 2026-08-21 06:12 UTC (5 hours old), the cached DB, as the download failed',
    )
  })

  test('the gate annotation and a pod-annotations snippet', () => {
    const summary = renderSummary(context(passed))
    expect(summary).toContain('Gate annotation: <code>security.example.com/scan-status=passed</code>')
    expect(summary).toContain('<code>{&quot;security.example.com/scan-status&quot;:&quot;passed&quot;}</code>')
    expect(summary).toContain(
      '```yaml\nmetadata:\n  annotations:\n    "security.example.com/scan-status": "passed"\n```',
    )
  })

  test('IDs link to their advisory: PrimaryURL, AVD for a CVE, GitHub for a GHSA, none otherwise', () => {
    const gate = gateOf([
      finding({ id: 'CVE-2024-0001', primaryUrl: 'https://example.com/advisory?id=1' }),
      finding({ id: 'CVE-2024-0002', primaryUrl: undefined }),
      finding({ id: 'GHSA-2h3g-pc7q-5xv7', primaryUrl: undefined }),
      finding({ id: 'TEMP-0841856-B18BAF', primaryUrl: 'javascript:alert(1)' }),
    ])
    const summary = renderSummary(context(verdictOf(gate)))
    expect(summary).toContain('[CVE-2024-0001](https://example.com/advisory?id=1)')
    expect(summary).toContain('[CVE-2024-0002](https://avd.aquasec.com/nvd/cve-2024-0002)')
    expect(summary).toContain('[GHSA-2h3g-pc7q-5xv7](https://github.com/advisories/GHSA-2h3g-pc7q-5xv7)')
    expect(summary).toContain('| TEMP-0841856-B18BAF<br>openssl: information disclosure in fork() |')
    expect(summary).not.toContain('javascript:')
  })

  test('findings are sorted by severity, then fixable first', () => {
    const gate = gateOf(
      [
        finding({ id: 'CVE-1-LOW', severity: 'LOW' }),
        finding({ id: 'CVE-2-HIGH-UNFIXED', severity: 'HIGH', fixable: false, fixedVersion: undefined }),
        finding({ id: 'CVE-3-HIGH-FIXED', severity: 'HIGH' }),
        finding({ id: 'CVE-4-CRITICAL', severity: 'CRITICAL' }),
      ],
      { budgets: budgets({ CRITICAL: null, HIGH: null }) },
    )
    const summary = renderSummary(context(verdictOf(gate)))
    const order = ['CVE-4-CRITICAL', 'CVE-3-HIGH-FIXED', 'CVE-2-HIGH-UNFIXED', 'CVE-1-LOW'].map((id) =>
      summary.indexOf(`[${id}](`),
    )
    expect(order.every((position) => position > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  test('more than 20 rows fold into <details>; 20 do not', () => {
    const many = fixtureFindings('historical/v0.20.0/centos-7.json.golden')
    const open = budgets({ CRITICAL: null, HIGH: null })
    expect(renderSummary(context(verdictOf(gateOf(many.slice(0, 20), { budgets: open }))))).not.toContain('<details>')
    const folded = renderSummary(context(verdictOf(gateOf(many.slice(0, 21), { budgets: open }))))
    expect(folded).toContain('<details><summary>Show 21 findings</summary>\n\n| Vulnerability |')
    expect(folded).toContain('\n\n</details>')
  })
})

describe('where the reports are', () => {
  test('named by file and output, with the upload step that keeps them, not as bare runner paths', () => {
    const summary = renderSummary(context(failed))
    const section = summary.slice(summary.indexOf('### Reports'))
    expect(section).toContain('The full reports are files in <code>output-dir</code> on the runner')
    expect(section).toContain('(this run: <code>/home/runner/work/&#95;temp/vouch</code>)')
    expect(section).toContain('<code>json-report</code>')
    expect(section).toMatch(/uses: actions\/upload-artifact@[0-9a-f]{40} # v\d/)
    expect(section).toContain('path: ${{ runner.temp }}/vouch/')
    expect(summary).not.toContain('**Reports** on the runner')
  })

  test('the upload step is pinned as the repository examples pin it', async () => {
    const { readFile } = await import('node:fs/promises')
    const example = await readFile(new URL('../../examples/reports-artifact.yml', import.meta.url), 'utf8')
    const pinned = /uses: (actions\/upload-artifact@[0-9a-f]{40} # \S+)/.exec(example)?.[1]
    expect(pinned).toBeDefined()
    expect(renderSummary(context(failed))).toContain(`uses: ${pinned}`)
  })
})
