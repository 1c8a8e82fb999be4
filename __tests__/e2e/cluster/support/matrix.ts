// The admission matrix: images that vouch signed (or refused to sign) with the real cosign, the pods that run them,
// and what each Kyverno engine must decide. Declared by hand, row by row: it is the specification.
import { pushImage } from '../../../support/push.js'
import { DEFAULT_ANNOTATION_KEY } from '../../../../src/cluster/annotations.js'
import type { Decision } from './kyverno.js'
import type { KeyPair } from '../../support/cosign.js'
import { finding, STRICT, vouchSign, type Format, type Scan } from './cosign.js'

/** The engines the matrix runs on: ClusterPolicy on v1.19 and on the earlier CLI, ImageValidatingPolicy on v1.19. */
export type Engine = 'cpol' | 'cpolEarlier' | 'ivpol'
export type Outcome = 'admit' | 'deny' | 'audit-report'
/** `unsettled`: the engine reads one of several attestations, and which one is not fixed (see the row). */
export type Expected = Outcome | 'unsettled'

export interface Row {
  pod: unknown
  name: string
  expect: Record<Engine, Expected>
  why: string
}

const passedScan: Scan = { findings: [finding('CVE-2026-0001', 'MEDIUM')], budgets: STRICT, trivyVersion: '0.74.0' }
const failedScan: Scan = { findings: [finding('CVE-2026-0002', 'CRITICAL')], budgets: STRICT, trivyVersion: '0.74.0' }
/** Passed, but only because the budget allowed five CRITICAL findings. */
const laxerScan: Scan = { ...failedScan, budgets: { ...STRICT, CRITICAL: 5 } }
/** Passed with no HIGH limit at all: a `null` budget must fail closed where the cluster demands one. */
const unlimitedScan: Scan = {
  findings: [finding('CVE-2026-0003', 'HIGH')],
  budgets: { ...STRICT, HIGH: null },
  trivyVersion: '0.74.0',
}

function pod(
  name: string,
  namespace: string,
  spec: Record<string, string[]>,
  annotations?: Record<string, string>,
): unknown {
  const containers = (images: string[] | undefined, prefix: string): unknown[] | undefined =>
    images?.map((image, index) => ({ name: `${prefix}${index}`, image }))
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(annotations && { annotations }) },
    spec: {
      containers: containers(spec.containers, 'app'),
      ...(spec.init && { initContainers: containers(spec.init, 'init') }),
      ...(spec.ephemeral && { ephemeralContainers: containers(spec.ephemeral, 'debug') }),
    },
  }
}

const all = (outcome: Outcome): Record<Engine, Outcome> => ({ cpol: outcome, cpolEarlier: outcome, ivpol: outcome })

export interface MatrixTools {
  cosign: string
  cosignV2: string
  host: string
  keys: KeyPair
  otherKeys: KeyPair
}

/** Pushes and signs every image the matrix needs in one signature format, and returns the rows. */
export async function buildMatrix(format: Format, tools: MatrixTools): Promise<Row[]> {
  const { cosign, cosignV2, host, keys, otherKeys } = tools
  const key = DEFAULT_ANNOTATION_KEY
  const image = async (name: string, tag = 'v1'): Promise<string> => {
    const pushed = await pushImage(host, `${format}/${name}`, tag)
    return `${host}/${format}/${name}@${pushed.digest}`
  }
  const signed = await image('passed')
  await vouchSign(cosign, keys, signed, passedScan, format, key)
  // vouch signs the legacy format with cosign v2 too; the bundle format needs cosign v3 (it refuses v2 before the
  // network), so that row exists for the legacy format only.
  const signedV2 = format === 'legacy' ? await image('passed-cosign-v2') : undefined
  if (signedV2 !== undefined) await vouchSign(cosignV2, keys, signedV2, passedScan, format, key)
  const unsigned = await image('unsigned')
  const failed = await image('failed')
  if ((await vouchSign(cosign, keys, failed, failedScan, format, key)) !== 'not signed') {
    throw new Error('vouch must never sign a failed scan')
  }
  const otherKey = await image('other-key')
  await vouchSign(cosign, otherKeys, otherKey, passedScan, format, key)
  const laxer = await image('laxer-budget')
  await vouchSign(cosign, keys, laxer, laxerScan, format, key)
  const unlimited = await image('unlimited-budget')
  await vouchSign(cosign, keys, unlimited, unlimitedScan, format, key)
  // Re-signed after a Trivy bump: two signatures whose scanner annotations differ, one attestation (replaced).
  const rescanned = await image('rescanned')
  await vouchSign(cosign, keys, rescanned, { ...passedScan, trivyVersion: '0.73.0' }, format, key)
  await vouchSign(cosign, keys, rescanned, passedScan, format, key)
  // Signed under no HIGH limit first, then re-run under the strict budgets: the attestation is the strict one, and
  // one of the two signatures carries `max-high: unlimited`.
  const resigned = await image('resigned-stricter')
  await vouchSign(cosign, keys, resigned, { ...passedScan, budgets: { ...STRICT, HIGH: null } }, format, key)
  await vouchSign(cosign, keys, resigned, passedScan, format, key)
  const tagged = signed.replace(/@sha256:.*/, ':v1')

  const production = 'production-shop'
  // The pod is named after its row: the report names pods, and each row's decision is looked up by that name.
  const row = (
    name: string,
    images: Record<string, string[]>,
    expect: Record<Engine, Expected>,
    why: string,
    where: { namespace?: string; annotations?: Record<string, string> } = {},
  ): Row => ({ name, pod: pod(name, where.namespace ?? production, images, where.annotations), expect, why })
  const rows: Row[] = [
    row('passed', { containers: [signed] }, all('admit'), 'vouch signed a passed scan'),
    row('unsigned', { containers: [unsigned] }, all('deny'), 'no signature'),
    row('failed', { containers: [failed] }, all('deny'), 'vouch never signs a failed scan'),
    row('other-key', { containers: [otherKey] }, all('deny'), 'signed by a key the cluster does not trust'),
    row('laxer-budget', { containers: [laxer] }, all('deny'), 'passed under max-critical 5, the cluster demands 0'),
    row(
      'unlimited-budget',
      { containers: [unlimited] },
      all('deny'),
      'passed with no HIGH limit (null), the cluster demands 0',
    ),
    row('forged-annotation', { containers: [unsigned] }, all('deny'), 'a pod annotation anyone can write', {
      annotations: { [key]: 'passed' },
    }),
    row(
      'by-tag',
      { containers: [tagged] },
      // ClusterPolicy resolves the tag, verifies the digest and (Enforce) pins it; the CLI applies that patch but
      // never prints it (cmd/cli/kubectl-kyverno/processor/policy_processor.go prints mutate responses only,
      // v1.19.0), so the pinning itself shows only in a cluster. The CLI runs ImageValidatingPolicy's validation
      // without the mutating pass a cluster runs first, so `verifyDigest` refuses the tag there.
      { cpol: 'admit', cpolEarlier: 'admit', ivpol: 'deny' },
      'signed image named by its tag',
    ),
    row('init-unsigned', { containers: [signed], init: [unsigned] }, all('deny'), 'unsigned init container'),
    row(
      'ephemeral-unsigned',
      { containers: [signed], ephemeral: [unsigned] },
      all('deny'),
      'unsigned ephemeral (kubectl debug) container',
    ),
    row('system-namespace', { containers: [unsigned] }, all('admit'), 'kube-system is excluded', {
      namespace: 'kube-system',
    }),
    row('staging-unsigned', { containers: [unsigned] }, all('audit-report'), 'staging audits', {
      namespace: 'staging-shop',
    }),
    row(
      'rescanned',
      { containers: [rescanned] },
      all('admit'),
      're-signed after a Trivy bump: the scanner is not pinned',
    ),
    row(
      'resigned-stricter',
      { containers: [resigned] },
      // Kyverno ≤ 1.17 requires every verified signature to carry the annotations (pkg/cosign/cosign.go
      // checkAnnotations, v1.15.2 and v1.16.3); from 1.18 one matching signature suffices (v1.19.0). In the legacy
      // format the attestation is replaced (`--replace`); a bundle attestation is not, and extractPayload reads one
      // payload per image and attestation (pkg/cel/libs/imageverify/impl.go, v1.19.0): runs have admitted and
      // denied this pod, depending on which of the two attestations it read.
      { cpol: 'admit', cpolEarlier: 'deny', ivpol: 'unsettled' },
      'an older signature with max-high unlimited beside a strict one',
    ),
  ]
  if (signedV2 !== undefined) {
    rows.push(
      row(
        'passed-cosign-v2',
        { containers: [signedV2] },
        all('admit'),
        'vouch signed a passed scan with cosign v2.6.1 (legacy format)',
      ),
    )
  }
  return rows
}

/** A decision as the matrix names it; a pod with no result at all was not matched (an excluded namespace). */
export function outcome(decision: Decision | undefined): Outcome {
  if (decision === undefined || decision.admitted) return decision?.reported ? 'audit-report' : 'admit'
  return 'deny'
}
