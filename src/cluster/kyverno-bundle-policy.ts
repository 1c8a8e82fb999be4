// Kyverno ImageValidatingPolicy (policies.kyverno.io/v1), for vouch's `signature-format: bundle`: the image rules,
// the vouch signature, and the gate facts read from the signed vuln attestation's predicate.
import { VULN_PREDICATE_TYPE } from '../render/predicate.js'
import { budgetSummary, gateFactsExpression } from './gate-facts.js'
import { modes, policyMetadata, REKOR_URL, VERIFY_TIMEOUT_SECONDS, type Mode } from './kyverno-modes.js'
import { namespaceExcluded, namespaceMatches, POD_IMAGES, registriesExpression, TAGS_EXPRESSION } from './pod-images.js'
import type { PolicyOptions } from './policy-options.js'

function attestor(options: PolicyOptions): Record<string, unknown> {
  // insecureIgnoreTlog/insecureIgnoreSCT for `tlog-upload: false` (api policies.kyverno.io/v1 CTLog, v1.19.0).
  const ctlog = options.ignoreTlog
    ? { url: REKOR_URL, insecureIgnoreTlog: true, insecureIgnoreSCT: true }
    : { url: REKOR_URL }
  const signer =
    options.signer.kind === 'key'
      ? { key: { data: options.signer.publicKey.trimEnd() } }
      : {
          keyless: {
            identities: [{ issuer: options.signer.issuer, subject: `https://github.com/${options.signer.identity}` }],
          },
        }
  // No `annotations`: this kind compares them with the OCI descriptor's annotations, not the signed payload
  // (pkg/image/verifiers/ivpol/cosign/certs.go checkSignatureAnnotations, v1.19.0; kyverno issue 17505), so a
  // signature vouch made would never match. The gate facts come from the signed predicate instead.
  return { name: 'vouch', cosign: { ...signer, ctlog } }
}

const EACH_IMAGE = `${POD_IMAGES}.all(image,`

function policy(mode: Mode, options: PolicyOptions): unknown {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: policyMetadata(
      `vouch-verify-bundle-${mode.name}`,
      `Verify the vouch signature and its signed scan (Sigstore bundle, ${mode.action})`,
      'Admits an image only from the allowed registries, by a tag other than latest or a digest, with a vouch ' +
        `signature and vouch's signed vuln attestation recording a passed scan under ${budgetSummary(options)}.`,
      '1.17.0',
    ),
    spec: {
      validationActions: [mode.action === 'Enforce' ? 'Deny' : 'Audit'],
      failurePolicy: 'Fail',
      webhookConfiguration: { timeoutSeconds: VERIFY_TIMEOUT_SECONDS },
      evaluation: { background: { enabled: false } },
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            // `kubectl debug` adds ephemeral containers through this subresource, which a rule on `pods` alone
            // does not see.
            resources: ['pods', 'pods/ephemeralcontainers'],
          },
        ],
      },
      matchConditions: [
        { name: 'namespaces', expression: namespaceMatches(mode.namespaces) },
        { name: 'not-system', expression: namespaceExcluded(options.excludedNamespaces) },
      ],
      // No matchImageReferences: every image is checked. `images` is filtered by it only from 1.18, and a
      // verification function skips an unmatched image with a count of 0 (pkg/cel/libs/imageverify/impl.go,
      // v1.19.0); the validations read the pod's own images instead.
      validationConfigurations: { mutateDigest: mode.action === 'Enforce', verifyDigest: true, required: true },
      attestors: [attestor(options)],
      attestations: [{ name: 'vuln', intoto: { type: VULN_PREDICATE_TYPE } }],
      // In order: the first failing validation is the message; extractPayload only reads an attestation that
      // verifyAttestationSignatures has verified.
      validations: [
        {
          expression: registriesExpression(options.registries),
          message: 'An image comes from a registry vouch does not sign for.',
        },
        { expression: TAGS_EXPRESSION, message: 'An image names no tag or digest, or the tag latest.' },
        {
          expression: `${EACH_IMAGE} verifyImageSignatures(image, [attestors.vouch]) > 0)`,
          message: 'An image has no vouch signature.',
        },
        {
          expression: `${EACH_IMAGE} verifyAttestationSignatures(image, attestations.vuln, [attestors.vouch]) > 0)`,
          message: 'An image has no signed vouch vuln attestation.',
        },
        {
          expression:
            `${EACH_IMAGE} [extractPayload(image, attestations.vuln).predicate.invocation.parameters.vouch]` +
            `.all(facts, ${gateFactsExpression(options)}))`,
          message: `An image's signed scan did not pass under ${budgetSummary(options)}.`,
        },
      ],
    },
  }
}

export function bundlePolicies(options: PolicyOptions): unknown[] {
  return modes(options).map((mode) => policy(mode, options))
}
