// The flags of each cosign subcommand the stand-in answers, with their pflag types and the releases that have them,
// so the stand-in refuses exactly what the real cosign refuses. Read from sigstore/cosign
// cmd/cosign/cli/options/*.go at the tags v2.4.1, v2.5.0, v2.6.1 and v3.0.6 (each group below names its file);
// `since` / `until` (exclusive) are the first tag read that has / lacks the flag, and patch releases in between are
// taken to match the tag read for their minor. `version --json` is sigs.k8s.io/release-utils v0.12.4
// version/command.go. Every flag vouch passes (src/cosign/args.ts) is here; so are the neighbours a typo would hit.
//
// Fields: type (pflag: bool, string, int, duration, stringSlice), shorthand, default (by release where it differs),
// deprecated (the MarkDeprecated message, printed when the flag is set), since, until.

const V3 = '3.0.0'

// options/root.go (same at every tag read): persistent flags of the root command, so every subcommand has them.
const ROOT = {
  'output-file': { type: 'string' },
  verbose: { type: 'bool', shorthand: 'd' },
  timeout: { type: 'duration', shorthand: 't', default: 180_000 },
}

// options/registry.go RegistryOptions.AddFlags (+ options/reference.go ReferenceOptions).
const REGISTRY = {
  'allow-insecure-registry': { type: 'bool' },
  'allow-http-registry': { type: 'bool' },
  'k8s-keychain': { type: 'bool' },
  'registry-username': { type: 'string' },
  'registry-password': { type: 'string' },
  'registry-token': { type: 'string' },
  'registry-cacert': { type: 'string', since: '2.5.0' },
  'registry-client-cert': { type: 'string', since: '2.5.0' },
  'registry-client-key': { type: 'string', since: '2.5.0' },
  'registry-server-name': { type: 'string', since: '2.5.0' },
  'attachment-tag-prefix': { type: 'string' },
}

// options/rekor.go, fulcio.go, oidc.go, security_key.go: the services a signer talks to.
const SERVICES = {
  'rekor-url': { type: 'string', default: 'https://rekor.sigstore.dev' },
  'fulcio-url': { type: 'string', default: 'https://fulcio.sigstore.dev' },
  'identity-token': { type: 'string' },
  'fulcio-auth-flow': { type: 'string' },
  'insecure-skip-verify': { type: 'bool' },
  'oidc-issuer': { type: 'string', default: 'https://oauth2.sigstore.dev/auth' },
  'oidc-client-id': { type: 'string', default: 'sigstore' },
  'oidc-client-secret-file': { type: 'string' },
  'oidc-redirect-url': { type: 'string' },
  'oidc-provider': { type: 'string' },
  'oidc-disable-ambient-providers': { type: 'bool' },
  sk: { type: 'bool' },
  slot: { type: 'string' },
}

// cosign 3 defaults to the bundle format with a TUF signing config; cosign 2 to neither (sign.go, attest.go: "TODO:
// have this default to true as a breaking change" at v2.6.1, `true` at v3.0.6).
const TLOG_DEPRECATED = 'prefer using a --signing-config file with no transparency log services'
const SIGNING = {
  yes: { type: 'bool', shorthand: 'y' },
  key: { type: 'string' },
  certificate: { type: 'string' },
  'certificate-chain': { type: 'string' },
  'tlog-upload': { type: 'bool', default: true, deprecated: { [V3]: TLOG_DEPRECATED } },
  'record-creation-timestamp': { type: 'bool' },
  'timestamp-server-url': { type: 'string' },
  'use-signing-config': { type: 'bool', since: '2.6.0', default: { '2.6.0': false, [V3]: true } },
  'signing-config': { type: 'string', since: '2.6.0' },
  'trusted-root': { type: 'string', since: '2.6.0' },
  bundle: { type: 'string', since: V3 },
}

// options/sign.go SignOptions.AddFlags (+ annotations.go, registry.go RegistryExperimentalOptions).
const SIGN = {
  ...SIGNING,
  annotations: { type: 'stringSlice', shorthand: 'a' },
  recursive: { type: 'bool', shorthand: 'r' },
  upload: { type: 'bool', default: true },
  'output-signature': { type: 'string' },
  'output-payload': { type: 'string' },
  'output-certificate': { type: 'string' },
  payload: { type: 'string' },
  'issue-certificate': { type: 'bool' },
  // A string at v2.6.1, a comma list at v3.0.6.
  'sign-container-identity': { type: { '2.0.0': 'string', [V3]: 'stringSlice' } },
  'new-bundle-format': { type: 'bool', since: '2.6.0', default: { '2.6.0': false, [V3]: true } },
  // A pflag Value of its own (registryReferrersMode) that takes one argument, as a string does.
  'registry-referrers-mode': { type: 'string' },
}

// options/attest.go AttestOptions.AddFlags (+ predicate.go PredicateLocalOptions). --recursive left in v2.6.
const ATTEST = {
  ...SIGNING,
  type: { type: 'string', default: 'custom' },
  predicate: { type: 'string' },
  statement: { type: 'string', since: '2.6.0' },
  'no-upload': { type: 'bool' },
  replace: { type: 'bool' },
  recursive: { type: 'bool', shorthand: 'r', until: '2.6.0' },
  'rekor-entry-type': { type: 'string', default: 'dsse' },
  'issue-certificate': { type: 'bool', since: '2.6.0' },
  'new-bundle-format': { type: 'bool', since: '2.5.0', default: { '2.5.0': false, [V3]: true } },
}

// options/verify.go CommonVerifyOptions.AddFlags, CertVerifyOptions (certificate.go), SignatureDigestOptions.
const VERIFYING = {
  key: { type: 'string' },
  'check-claims': { type: 'bool', default: true },
  output: { type: 'string', shorthand: 'o', default: 'json' },
  'local-image': { type: 'bool' },
  offline: { type: 'bool' },
  'timestamp-certificate-chain': { type: 'string' },
  'use-signed-timestamps': { type: 'bool' },
  'insecure-ignore-tlog': { type: 'bool' },
  'private-infrastructure': { type: 'bool' },
  'experimental-oci11': { type: 'bool' },
  'max-workers': { type: 'int', default: 10 },
  'trusted-root': { type: 'string', since: '2.5.0' },
  // In CommonVerifyOptions from v2.5.0 (at v2.4.1 only verify-blob has it); the bundle is the default in cosign 3.
  'new-bundle-format': { type: 'bool', since: '2.5.0', default: { '2.5.0': false, [V3]: true } },
  certificate: { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-oidc-issuer-regexp': { type: 'string' },
  'certificate-github-workflow-trigger': { type: 'string' },
  'certificate-github-workflow-sha': { type: 'string' },
  'certificate-github-workflow-name': { type: 'string' },
  'certificate-github-workflow-repository': { type: 'string' },
  'certificate-github-workflow-ref': { type: 'string' },
  'ca-intermediates': { type: 'string' },
  'ca-roots': { type: 'string' },
  'certificate-chain': { type: 'string' },
  sct: { type: 'string' },
  'insecure-ignore-sct': { type: 'bool' },
  'signature-digest-algorithm': { type: 'string', default: 'sha256' },
  'rekor-url': SERVICES['rekor-url'],
  sk: SERVICES.sk,
  slot: SERVICES.slot,
}

export const COSIGN_FLAGS = {
  sign: { ...ROOT, ...SERVICES, ...REGISTRY, ...SIGN },
  attest: { ...ROOT, ...SERVICES, ...REGISTRY, ...ATTEST },
  // options/verify.go VerifyOptions.AddFlags.
  verify: {
    ...ROOT,
    ...REGISTRY,
    ...VERIFYING,
    annotations: { type: 'stringSlice', shorthand: 'a' },
    attachment: { type: 'string' },
    signature: { type: 'string' },
    payload: { type: 'string' },
  },
  // options/verify.go VerifyAttestationOptions.AddFlags (+ predicate.go PredicateRemoteOptions).
  'verify-attestation': {
    ...ROOT,
    ...REGISTRY,
    ...VERIFYING,
    type: { type: 'string', default: 'custom' },
    policy: { type: 'stringSlice' },
  },
  // options/public_key.go.
  'public-key': { ...ROOT, key: { type: 'string' }, outfile: { type: 'string' }, sk: SERVICES.sk, slot: SERVICES.slot },
  // options/triangulate.go.
  triangulate: { ...ROOT, ...REGISTRY, type: { type: 'string', default: 'signature' } },
  // options/tree.go: --experimental-oci11 from v2.6.1, on by default in cosign 3.
  tree: {
    ...ROOT,
    ...REGISTRY,
    'registry-referrers-mode': { type: 'string', since: '2.6.0' },
    'experimental-oci11': { type: 'bool', since: '2.6.0', default: { '2.6.0': false, [V3]: true } },
  },
  version: { ...ROOT, json: { type: 'bool' } },
}

/** The pflag table of `command` as release `version` (`3.0.6`, `v2.6.1`) declares it: flags outside it are unknown. */
export function cosignFlagTable(command, version) {
  const release = parse(version)
  const table = {}
  for (const [name, flag] of Object.entries(COSIGN_FLAGS[command] ?? {})) {
    if (flag.since !== undefined && compare(release, parse(flag.since)) < 0) continue
    if (flag.until !== undefined && compare(release, parse(flag.until)) >= 0) continue
    const resolved = { type: byRelease(flag.type, release) }
    if (flag.shorthand) resolved.shorthand = flag.shorthand
    const fallback = byRelease(flag.default, release)
    if (fallback !== undefined) resolved.default = fallback
    const deprecated = byRelease(flag.deprecated, release)
    if (deprecated !== undefined) resolved.deprecated = deprecated
    table[name] = resolved
  }
  return table
}

/** A release as numbers; a dev build (0.x) imitates cosign v3.0.6. */
export function parse(version) {
  if (Array.isArray(version)) return version
  const [major = 0, minor = 0, patch = 0] = String(version).replace(/^v/, '').split(/[.-]/).map(Number)
  return major === 0 ? [3, 0, 6] : [major, minor, patch]
}

function compare(a, b) {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index] - b[index]
  return 0
}

// A value, or { 'from-release': value, … }: the entry of the latest release not after `release`.
function byRelease(value, release) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  let chosen
  for (const [from, entry] of Object.entries(value).sort(([a], [b]) => compare(parse(a), parse(b)))) {
    if (compare(release, parse(from)) >= 0) chosen = entry
  }
  return chosen
}
