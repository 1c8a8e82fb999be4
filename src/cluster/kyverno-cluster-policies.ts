// Kyverno ClusterPolicy (kyverno.io/v1): the image rules, the vouch signature and its vuln attestation, for the
// legacy `.sig` format. One rule per mode, each with its own `failureAction` (per-rule since 1.13).
import { VULN_PREDICATE_TYPE } from '../render/predicate.js'
import { attestationConditions, budgetSummary, requiredAnnotations } from './gate-facts.js'
import { modes, podsIn, policyMetadata, REKOR_URL, VERIFY_TIMEOUT_SECONDS, type Mode } from './kyverno-modes.js'
import { registriesExpression, TAGS_EXPRESSION } from './pod-images.js'
import type { PolicyOptions } from './policy-options.js'

/** One CEL rule per mode; `action` overrides the mode's own failure action (the advisory rule only audits). */
function celRule(
  name: string,
  expression: string,
  message: string,
  options: PolicyOptions,
  action?: Mode['action'],
): unknown[] {
  return modes(options).map((mode) => ({
    name: `${name}-${mode.name}`,
    ...podsIn(mode, options),
    validate: { failureAction: action ?? mode.action, cel: { expressions: [{ expression, message }] } },
  }))
}

export function restrictRegistriesPolicy(options: PolicyOptions): unknown {
  const registries = options.registries.join(', ')
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: policyMetadata(
      'vouch-restrict-image-registries',
      'Restrict image registries',
      `Every container, init container and ephemeral container image comes from ${registries}, the registries ` +
        'whose images vouch scans and signs.',
      '1.13.0',
    ),
    spec: {
      background: true,
      rules: celRule(
        'registries',
        registriesExpression(options.registries),
        `Images must come from ${registries}.`,
        options,
      ),
    },
  }
}

export function disallowLatestPolicy(options: PolicyOptions): unknown {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: policyMetadata(
      'vouch-disallow-latest-tag',
      'Disallow latest and untagged images',
      'Every container, init container and ephemeral container image names a tag or a digest, and the tag is ' +
        'not `latest`. The signature policy then pins each tag to the digest it verified.',
      '1.13.0',
    ),
    spec: {
      background: true,
      rules: celRule('tags', TAGS_EXPRESSION, 'Images must name a tag other than latest, or a digest.', options),
    },
  }
}

/** The attestor entry: keyless for vouch's default signing, or the public key. */
function attestorEntry(options: PolicyOptions): Record<string, unknown> {
  // Without a Rekor entry (`tlog-upload: false`) there is no SCT either; `ctlog` also keeps Kyverno from fetching CT
  // keys through TUF (pkg/image/verifiers/cpol/cosign/cosign.go buildCosignOptions, v1.19.0).
  const rekor = options.ignoreTlog ? { url: REKOR_URL, ignoreTlog: true } : { url: REKOR_URL }
  const ctlog = options.ignoreTlog ? { ignoreSCT: true } : undefined
  return options.signer.kind === 'key'
    ? { keys: { publicKeys: options.signer.publicKey.trimEnd(), rekor, ...(ctlog && { ctlog }) } }
    : {
        keyless: {
          subject: `https://github.com/${options.signer.identity}`,
          issuer: options.signer.issuer,
          rekor,
          ...(ctlog && { ctlog }),
        },
      }
}

/**
 * Every image of a pod in the matched namespaces needs a vouch signature (`imageReferences: ['*']`: an image from
 * any other registry is not waved through) and a vouch vuln attestation whose signed gate facts meet the budgets.
 * `mutateDigest` only under Enforce: Kyverno refuses it under Audit (api/kyverno/v1/image_verification_types.go
 * `Validate`, v1.19.0), and the CRD defaults it to true, so Audit rules set it to false explicitly.
 */
export function verifySignaturePolicy(options: PolicyOptions): unknown {
  const entry = attestorEntry(options)
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: policyMetadata(
      'vouch-verify-signature',
      'Verify the vouch signature and its signed scan',
      'Admits an image only with a vouch signature (legacy .sig) whose signed annotations say the scan passed ' +
        `under the cluster's budgets (${budgetSummary(options)}), and with vouch's signed vuln attestation ` +
        'recording the same. Pins tags to the verified digest.',
      '1.13.0',
    ),
    spec: {
      background: false,
      webhookConfiguration: { failurePolicy: 'Fail', timeoutSeconds: VERIFY_TIMEOUT_SECONDS },
      rules: modes(options).map((mode) => ({
        name: `vouch-signature-${mode.name}`,
        ...podsIn(mode, options),
        verifyImages: [
          {
            imageReferences: ['*'],
            failureAction: mode.action,
            mutateDigest: mode.action === 'Enforce',
            verifyDigest: true,
            required: true,
            attestors: [{ count: 1, entries: [{ ...entry, annotations: requiredAnnotations(options) }] }],
            attestations: [
              {
                type: VULN_PREDICATE_TYPE,
                attestors: [{ count: 1, entries: [entry] }],
                conditions: [{ all: attestationConditions(options) }],
              },
            ],
          },
        ],
      })),
    },
  }
}

/**
 * The pod annotation vouch outputs (`pod-annotations`), reported where it is missing. Audit in every mode: anyone who
 * can create a pod can write it, so it shows which workloads came through the pipeline and proves nothing.
 */
export function scanAnnotationPolicy(options: PolicyOptions): unknown {
  const key = `'${options.annotationKey}'`
  const expression =
    `has(object.metadata.annotations) && ${key} in object.metadata.annotations` +
    ` && object.metadata.annotations[${key}] == 'passed'`
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: policyMetadata(
      'vouch-scan-annotation-advisory',
      'Report pods without the vouch pod annotation (advisory)',
      `Reports pods without ${options.annotationKey}: passed. Advisory only: a pod annotation is written by ` +
        'whoever creates the pod; the signature policies are what keep unscanned images out.',
      '1.13.0',
    ),
    spec: {
      background: true,
      rules: celRule(
        'scan-annotation',
        expression,
        `The pod lacks ${options.annotationKey}: passed (advisory).`,
        options,
        'Audit',
      ),
    },
  }
}
