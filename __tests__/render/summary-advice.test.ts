// Each error class carries its own remedy, and the headline says which stage failed: the advice fits the error.
import { describe, expect, test } from 'vitest'
import {
  DownloadError,
  InputError,
  IntegrityError,
  RegistryError,
  ScanError,
  SigningError,
  VouchError,
} from '../../src/errors.js'
import { errorVerdict } from '../../src/main.js'
import { proseWithCode } from '../../src/render/markdown.js'
import { renderSummary } from '../../src/render/summary.js'
import type { FailedStage } from '../../src/report/verdict.js'
import { ScanFailure } from '../../src/trivy/run.js'
import { budgets, fixtureFindings, gateOf, IMAGE, NOW } from './builders.js'

const ASSET = 'https://github.com/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz'
const UNFORESEEN = 'vouch did not expect this error.'
const passedGate = gateOf(fixtureFindings('alpine-310.json.golden'))

interface Case {
  name: string
  error: unknown
  stage: FailedStage
  headline: string
  remedy: string[]
  /** Advice that would be wrong here. */
  never?: string[]
}

const cases: Case[] = [
  {
    name: 'an input error',
    error: new InputError('max-high', '-1', 'must be a whole number ≥ 0, or empty for no limit'),
    stage: 'inputs',
    headline: 'An input is not valid, so nothing was downloaded, scanned or signed.',
    remedy: ['Fix `max-high` in the step'],
    never: ['Trivy', '`timeout`'],
  },
  {
    name: 'a refused registry',
    error: new InputError(
      'image',
      'evil.example/app:1',
      'is outside allowed-registries (ghcr.io/acme/*)',
      'Add a pattern for this registry to `allowed-registries`.',
    ),
    stage: 'inputs',
    headline: 'An input is not valid',
    remedy: ['`allowed-registries`'],
  },
  {
    name: 'a failed download',
    error: new DownloadError(`GET ${ASSET} answered 404`, ASSET, 404),
    stage: 'install',
    headline: 'Trivy or cosign could not be installed and verified, so nothing was scanned.',
    remedy: ['`tools-mirror`', ASSET, 'HTTP 404'],
    never: ['Trivy output', 'could not be completed'],
  },
  {
    name: 'an integrity error',
    error: new IntegrityError('trivy_0.74.0_Linux-64bit.tar.gz has sha256 ab…, not the pinned 2ae6…'),
    stage: 'install',
    headline: 'Trivy or cosign could not be installed',
    remedy: ['Do not work around this', '`tools-mirror`'],
  },
  {
    name: 'a registry timeout',
    error: new RegistryError(
      'Could not reach ghcr.io to resolve ghcr.io/acme/shop:1: The operation was aborted due to timeout',
    ),
    stage: 'resolve',
    headline: 'The image could not be resolved to a digest, so nothing was scanned.',
    remedy: ['Check that this runner can reach the registry'],
    never: ['Raise `timeout`', 'could not be completed'],
  },
  {
    name: 'a registry auth failure',
    error: new RegistryError('Could not resolve ghcr.io/acme/shop:1: ghcr.io answered 401 Unauthorized.', 401),
    stage: 'resolve',
    headline: 'The image could not be resolved',
    remedy: ['`registry-username`/`registry-password`', 'pull access'],
  },
  {
    name: 'a Trivy DB failure',
    error: new ScanFailure(
      'Trivy could not download its vulnerability DB from ghcr.io/aquasecurity/trivy-db:2 (3 attempts).',
      'Set `db-repository` to a mirror this runner can reach, and keep `cache: true`.',
    ),
    stage: 'scan',
    headline: 'The scan could not be completed, so nothing was counted.',
    remedy: ['Set `db-repository` to a mirror'],
  },
  {
    name: 'a Trivy scan error that is no timeout',
    error: new ScanError('Trivy failed scanning ghcr.io/acme/shop (exit code 1): unknown error'),
    stage: 'scan',
    headline: 'The scan could not be completed',
    remedy: ["Trivy's output is in the log group above"],
    never: ['`timeout`'],
  },
  {
    name: 'a real Trivy timeout',
    error: new ScanFailure(
      'Trivy did not finish scanning within the 600s `timeout`.',
      'Raise `timeout` (for example `timeout: 20m`).',
    ),
    stage: 'scan',
    headline: 'The scan could not be completed',
    remedy: ['Raise `timeout`'],
  },
  {
    name: 'a cosign failure',
    error: new SigningError('cosign sign failed: decrypt: encrypted: decryption failed'),
    stage: 'sign',
    headline: 'The scan completed and the image passed, but signing did not complete.',
    remedy: ['`cosign-key`', '`cosign-password`', 'id-token: write'],
    never: ['could not be completed'],
  },
  {
    name: 'an error vouch did not foresee',
    error: new TypeError("Cannot read properties of undefined (reading 'digest')"),
    stage: 'reports',
    headline: 'The scan completed, but vouch could not finish its work.',
    remedy: [UNFORESEEN],
  },
]

describe('error → headline and remedy', () => {
  test.each(cases)('$name', ({ error, stage, headline, remedy, never = [] }) => {
    const verdict = {
      ...errorVerdict(error, stage),
      ...(stage === 'sign' || stage === 'reports' ? { gate: passedGate } : {}),
    }
    const summary = renderSummary({
      verdict,
      image: stage === 'inputs' ? '' : IMAGE,
      platforms: [],
      now: NOW,
      enforce: true,
      annotationKey: 'security.example.com/scan-status',
      budgets: budgets(),
      reportPaths: {},
    })
    expect(summary).toContain(headline)
    // The remedy as the error carries it (input names in backticks), and as the summary says it.
    for (const part of remedy) expect(verdict.remedy ?? UNFORESEEN).toContain(part)
    expect(summary).toContain(`**What to do**: ${proseWithCode(verdict.remedy ?? UNFORESEEN, 2000)}`)
    for (const part of never) expect(`${summary}\n${verdict.remedy ?? ''}`).not.toContain(part)
  })

  test('the remedy a ScanFailure folds into its message is said once, as the remedy', () => {
    const verdict = errorVerdict(new ScanFailure('Trivy timed out.', 'Raise `timeout`.'), 'scan')
    expect(verdict).toEqual({ status: 'error', cause: 'Trivy timed out.', remedy: 'Raise `timeout`.', stage: 'scan' })
  })

  test('every error class is a VouchError with a remedy of its own', () => {
    for (const { error } of cases.slice(0, -1)) {
      expect(error).toBeInstanceOf(VouchError)
      expect((error as { remedy?: string }).remedy).toMatch(/\S/)
    }
  })
})
