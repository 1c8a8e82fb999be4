// Signs and attests test images with the real cosign the way vouch does (key-based, no transparency log, loopback
// registry), from vouch's own pure builders: signedAnnotations and the predicate renderer.
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { signedAnnotations } from '../../../../src/cluster/annotations.js'
import { renderPredicate } from '../../../../src/render/predicate.js'
import { decide, holdGate } from '../../../../src/report/gate.js'
import { SEVERITIES, type Budgets, type Finding } from '../../../../src/report/model.js'
import type { GateResult } from '../../../../src/report/verdict.js'

const run = promisify(execFile)

export interface KeyPair {
  key: string
  pub: string
  pem: string
}

/** `cosign generate-key-pair` with an empty password, in a fresh folder. */
export async function generateKeyPair(cosign: string): Promise<KeyPair> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'vouch-cluster-key-'))
  await run(cosign, ['generate-key-pair'], { cwd: directory, env: { ...process.env, COSIGN_PASSWORD: '' } })
  const pub = path.join(directory, 'cosign.pub')
  const { readFile } = await import('node:fs/promises')
  return { key: path.join(directory, 'cosign.key'), pub, pem: await readFile(pub, 'utf8') }
}

export type Format = 'legacy' | 'bundle'

// FACTS.md, cosign v3.0.6: `--tlog-upload=false` needs `--use-signing-config=false`; the legacy `.sig` tag needs
// `--new-bundle-format=false`. `--yes` skips the transparency-log prompt.
function formatFlags(format: Format): string[] {
  return [
    '--yes',
    '--tlog-upload=false',
    '--use-signing-config=false',
    `--new-bundle-format=${format === 'bundle'}`,
    '--allow-http-registry',
  ]
}

async function cosignRun(cosign: string, args: string[]): Promise<void> {
  await run(cosign, args, { env: { ...process.env, COSIGN_PASSWORD: '' }, maxBuffer: 16 * 1024 * 1024 })
}

export interface Scan {
  findings: Finding[]
  budgets: Budgets
  trivyVersion: string
}

export function finding(id: string, severity: Finding['severity']): Finding {
  return {
    id,
    pkgName: 'openssl',
    installedVersion: '3.1.0-r0',
    severity,
    fixable: false,
    target: 'app (alpine 3.19)',
    platforms: [],
  }
}

export const STRICT: Budgets = { CRITICAL: 0, HIGH: 0, MEDIUM: null, LOW: null, UNKNOWN: null }

export function gateOf(scan: Scan): GateResult {
  return holdGate({
    findings: scan.findings,
    modified: [],
    budgets: scan.budgets,
    exceptions: [],
    ignoreUnfixed: false,
    today: '2026-12-01',
  })
}

/**
 * The gate facts of CONTRACT.md ("Signed gate facts in the attestation"), placed in the predicate when the renderer
 * does not write them itself yet: the same shape, from the same gate.
 */
function withGateFacts(
  predicate: ReturnType<typeof renderPredicate>,
  gate: GateResult,
  annotationKey: string,
): unknown {
  const invocation = predicate.invocation as { parameters: unknown }
  if (invocation.parameters !== null) return predicate
  const lower = (values: Record<string, number | null>): Record<string, number | null> =>
    Object.fromEntries(SEVERITIES.map((severity) => [severity.toLowerCase(), values[severity] ?? null]))
  invocation.parameters = {
    vouch: {
      scanStatus: decide(gate).status,
      annotationKey,
      budgets: lower(gate.budgets),
      counted: lower(gate.counts),
      ignored: gate.ignored.length,
    },
  }
  return predicate
}

/**
 * What vouch does after a scan: sign (with the signed annotations) and attest, only when the gate passed. A failed
 * scan signs nothing, as in vouch.
 */
export async function vouchSign(
  cosign: string,
  keys: KeyPair,
  image: string,
  scan: Scan,
  format: Format,
  annotationKey: string,
): Promise<'signed' | 'not signed'> {
  const gate = gateOf(scan)
  if (decide(gate).status !== 'passed') return 'not signed'
  const annotations = signedAnnotations({
    annotationKey,
    budgets: scan.budgets,
    trivyVersion: scan.trivyVersion,
    extra: [],
  })
  await cosignRun(cosign, [
    'sign',
    '--key',
    keys.key,
    ...formatFlags(format),
    ...annotations.flatMap(([key, value]) => ['-a', `${key}=${value}`]),
    image,
  ])
  const now = new Date('2026-12-01T12:00:00Z')
  const predicate = withGateFacts(
    renderPredicate({
      gate,
      trivyVersion: scan.trivyVersion,
      dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2',
      scanStartedOn: now,
      scanFinishedOn: now,
      image,
    }),
    gate,
    annotationKey,
  )
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'vouch-cluster-predicate-')), 'predicate.json')
  await writeFile(file, JSON.stringify(predicate))
  const replace = format === 'legacy' ? ['--replace'] : []
  await cosignRun(cosign, [
    'attest',
    '--key',
    keys.key,
    ...formatFlags(format),
    '--type',
    'vuln',
    '--predicate',
    file,
    ...replace,
    image,
  ])
  return 'signed'
}
