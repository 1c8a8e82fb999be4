// Signs and attests test images with the real cosign the way vouch does (key-based, no transparency log, loopback
// registry), from vouch's own pure builders: signedAnnotations, the predicate renderer and the cosign command lines.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { signedAnnotations } from '../../../../src/cluster/annotations.js'
import { attestArgs, cosignEnv, signArgs } from '../../../../src/cosign/args.js'
import type { CosignKey } from '../../../../src/cosign/keys.js'
import { renderPredicate } from '../../../../src/render/predicate.js'
import { decide, holdGate } from '../../../../src/report/gate.js'
import type { Budgets, Finding } from '../../../../src/report/model.js'
import type { GateResult } from '../../../../src/report/verdict.js'
import type { KeyPair } from '../../support/cosign.js'

const run = promisify(execFile)

export type Format = 'legacy' | 'bundle'

/** Runs cosign as vouch does: the PEM and its password in the environment, never in argv. */
async function cosignRun(cosign: string, key: CosignKey, password: string, args: string[]): Promise<void> {
  await run(cosign, args, {
    env: { ...process.env, ...cosignEnv({ key, password }) },
    maxBuffer: 16 * 1024 * 1024,
  })
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

function gateOf(scan: Scan): GateResult {
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
  // The release is in the binary's name (cosign-v3.0.6): vouch's flags differ between cosign 2 and 3.
  const common = {
    image,
    format,
    tlogUpload: false,
    cosignVersion: path.basename(cosign).replace(/^cosign-/, ''),
    insecureRegistry: true,
  }
  const key: CosignKey = { kind: 'pem', pem: keys.privateKey }
  const annotations = signedAnnotations({
    annotationKey,
    budgets: scan.budgets,
    trivyVersion: scan.trivyVersion,
    extra: [],
  })
  await cosignRun(cosign, key, keys.password, signArgs({ ...common, key, annotations, recursive: false }))
  const now = new Date('2026-12-01T12:00:00Z')
  const predicate = renderPredicate({
    gate,
    trivyVersion: scan.trivyVersion,
    dbRepository: 'mirror.gcr.io/aquasec/trivy-db:2',
    scanStartedOn: now,
    scanFinishedOn: now,
    image,
    annotationKey,
  })
  const folder = await mkdtemp(path.join(os.tmpdir(), 'vouch-cluster-predicate-'))
  const file = path.join(folder, 'predicate.json')
  try {
    await writeFile(file, JSON.stringify(predicate))
    await cosignRun(cosign, key, keys.password, attestArgs({ ...common, key, predicateFile: file }))
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
  return 'signed'
}
