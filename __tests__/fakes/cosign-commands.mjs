// Stand-in behaviour of cosign's sign, attest, verify, verify-attestation, public-key, triangulate and tree, close
// enough to the real CLI that vouch's adapter meets the same flags, outputs, error lines and exit codes. What was
// "pushed" is kept in a JSON state file instead of a registry. Dispatch from cosign.mjs with:
//   for (const name of COMMANDS) commands[name] = (args) => handle([name, ...args], process.env, undefined, { version: VERSION })
// Environment: VOUCH_FAKE_COSIGN_STATE (state file; else cosign-state.json next to VOUCH_FAKE_LOG),
// VOUCH_FAKE_COSIGN_VERSION (when no version is passed; default 3.0.6: its flag defaults and refusals),
// VOUCH_FAKE_COSIGN_FAIL (comma list of faults: sign-429-once, attest-fail, verify-mismatch, public-key-fail).
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { cosignFlagTable, parse as parseRelease } from './cosign-flags.mjs'
import { FlagError, parseFlags } from './pflag.mjs'

const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1'
const SIGN_V1 = 'https://sigstore.dev/cosign/sign/v1'
const SIMPLE_SIGNING = 'cosign container image signature'
const PINNED = /^([^@\s]+)@sha256:([0-9a-f]{64})$/
const KMS = /^(?:awskms|gcpkms|azurekms|hashivault):\/\//
class Exit extends Error {
  constructor(code, message) {
    super(message)
    this.code = code
  }
}
const fail = (code, message) => {
  throw new Exit(code, message)
}

/**
 * Runs one cosign command line (argv without the program name); returns its exit code. `io` takes `stdout` and
 * `stderr` objects with `write`; `options.version` is the release being imitated (a dev build, 0.x, imitates v3).
 */
export async function handle(argv, env = process.env, io = undefined, options = {}) {
  const streams = io ?? { stdout: process.stdout, stderr: process.stderr }
  const [command = '', ...args] = posixArgs(argv, streams.stderr)
  const handler = Object.hasOwn(handlers, command) ? handlers[command] : undefined
  if (handler === undefined) {
    streams.stderr.write(`Error: unknown command ${JSON.stringify(command)} for "cosign"\n`)
    return 1
  }
  const version = parseRelease(options.version ?? env.VOUCH_FAKE_COSIGN_VERSION ?? '3.0.6')
  try {
    const ctx = { env, io: streams, version, major: version[0] }
    return handler(parse(command, args, ctx), ctx) ?? 0
  } catch (error) {
    if (!(error instanceof Exit)) throw error
    streams.stderr.write(`Error: ${error.message}\nerror during command execution: ${error.message}\n`)
    return error.code
  }
}

/**
 * cosign's main() rewrites arguments before cobra sees them (cmd/cosign/main.go, v2.6.1 and v3.0.6): `--o` becomes
 * `-o`, and any other `-xy…` (a single dash, more than one letter) becomes `--xy…`, with a warning. So `-a=k=v` is the
 * unknown flag `--a`, and `-ya` the unknown flag `--ya`. Every argument is rewritten, values included.
 */
export function posixArgs(argv, stderr) {
  return argv.map((arg) => {
    if ((arg.startsWith('-') && arg.length === 2) || (arg.startsWith('--') && arg.length >= 4)) return arg
    if (arg.startsWith('--') && arg.length === 3) {
      stderr.write(
        `WARNING: the flag ${arg} is deprecated and will be removed in a future release. Please use the flag -${arg[2]}.\n`,
      )
      return `-${arg[2]}`
    }
    if (!arg.startsWith('-') || arg.length < 2) return arg
    const rewritten = `-${arg}` === '--version' ? 'version' : `-${arg}`
    const kind = rewritten === 'version' ? 'subcommand' : 'flag'
    stderr.write(
      `WARNING: the ${arg} flag is deprecated and will be removed in a future release. Please use the ${rewritten} ${kind} instead.\n`,
    )
    return rewritten
  })
}

export const handlers = {
  sign({ flags, image }, ctx) {
    const target = reference(image)
    if (target.digest === null)
      ctx.io.stderr.write(
        `WARNING: Image reference ${image} uses a tag, not a digest, to identify the image to sign.\n`,
      )
    const mode = signingMode(flags)
    const signer = signerOf(flags, ctx, `signing [${image}]`)
    confirmTlog(flags, mode, ctx, `signing [${image}]`)
    const state = load(ctx)
    if (faults(ctx).includes('sign-429-once') && !state.fired.includes('sign-429-once')) {
      state.fired.push('sign-429-once')
      save(ctx, state)
      fail(
        1,
        `signing [${image}]: uploading to tlog: [POST /api/v1/log/entries][429] createLogEntryDefault  &{Code:429 Message:rate limit exceeded}`,
      )
    }
    const annotations = annotationsMap(flags, `signing [${image}]: getting annotations: `)
    const record = { ...target, annotations, ...mode, signer, recursive: bool(flags, 'recursive', false) }
    if (mode.format === 'bundle')
      record.referrer = `sha256:${sha256(`${JSON.stringify(record)}#${state.signatures.length}`)}`
    state.signatures.push(record)
    save(ctx, state)
    if (mode.tlog) ctx.io.stderr.write(`tlog entry created with index: ${1000 + state.signatures.length}\n`)
    if (mode.format === 'legacy') ctx.io.stderr.write(`Pushing signature to: ${target.repository}\n`)
  },

  attest({ flags, image }, ctx) {
    const target = reference(image)
    const mode = signingMode(flags)
    const signer = signerOf(flags, ctx, `signing ${image}`)
    const file = one(flags, 'predicate') ?? fail(1, 'required flag(s) "predicate" not set')
    const predicateType = predicateUri(bool(flags, 'type', 'custom'))
    if (!existsSync(file)) fail(1, `open ${file}: no such file or directory`)
    const text = readFileSync(file, 'utf8')
    let predicate
    try {
      predicate = JSON.parse(text)
    } catch {
      fail(1, `generating statement: invalid character in predicate ${file}`)
    }
    confirmTlog(flags, mode, ctx, `signing ${image}`)
    if (faults(ctx).includes('attest-fail')) {
      fail(
        1,
        `signing ${image}: PUT https://${target.repository.split('/')[0]}/v2/manifests: DENIED: requested access to the resource is denied`,
      )
    }
    const state = load(ctx)
    // --replace drops the `.att` image's layers of the same predicate type (pkg/cosign/remote/remote.go ReplaceOp).
    // The bundle format never reads it: attest.go writes one more referrer before reaching `c.Replace`.
    if (mode.format === 'legacy' && bool(flags, 'replace', false)) {
      const replaced = (record) =>
        record.format === 'legacy' &&
        record.repository === target.repository &&
        record.digest === target.digest &&
        record.predicateType === predicateType
      if (state.attestations.some(replaced)) {
        ctx.io.stderr.write(`Replacing attestation predicate: ${predicateType}\n`)
        state.attestations = state.attestations.filter((record) => !replaced(record))
      }
    }
    state.attestations.push({ ...target, predicateType, predicateSha256: sha256(text), predicate, ...mode, signer })
    save(ctx, state)
  },

  verify({ flags, image }, ctx) {
    warnIgnoredTlog(flags, ctx, 'signature')
    const { target, signer } = verifyTarget(flags, image, ctx)
    const annotations = Object.entries(annotationsMap(flags, ''))
    const found = pick(load(ctx).signatures, target, flags)
    if (found.length === 0) fail(10, 'no signatures found')
    const bySigner = found.filter((record) => record.signer === signer)
    if (bySigner.length === 0)
      fail(
        12,
        `no matching signatures: ${signer.startsWith('key:') ? 'invalid signature when validating ASN.1 encoded signature' : 'none of the expected identities matched what was in the certificate'}`,
      )
    const logged = bySigner.filter((record) => record.tlog || bool(flags, 'insecure-ignore-tlog', false))
    if (logged.length === 0) fail(12, 'no matching signatures: signature not found in transparency log')
    const verified = logged.filter((record) => annotations.every(([key, value]) => record.annotations[key] === value))
    if (verified.length === 0) fail(12, 'no matching signatures: missing or incorrect annotation')
    header(ctx, image, {
      annotations: annotations.length > 0,
      tlog: verified.every((r) => r.tlog),
      keyless: !signer.startsWith('key:'),
    })
    const mismatch = faults(ctx).includes('verify-mismatch')
    const payloads = verified.map((record) => ({
      critical: {
        // cosign 3.0.6 names the digest too in a bundle's payload (measured), the repository alone in a legacy one.
        identity: {
          'docker-reference': record.format === 'bundle' ? `${record.repository}@${record.digest}` : record.repository,
        },
        image: { 'docker-manifest-digest': mismatch ? `sha256:${sha256(`other ${record.digest}`)}` : record.digest },
        type: record.format === 'bundle' ? SIGN_V1 : SIMPLE_SIGNING,
      },
      // Legacy payloads print `null` without annotations; cosign 3 bundles print `{}`.
      optional: keylessClaims(
        record,
        Object.keys(record.annotations).length > 0 || record.format === 'bundle' ? { ...record.annotations } : null,
      ),
    }))
    ctx.io.stdout.write(
      one(flags, 'output') === 'text'
        ? payloads.map((p) => `${JSON.stringify(p)}\n`).join('')
        : `${JSON.stringify(payloads)}\n`,
    )
  },

  'verify-attestation'({ flags, image }, ctx) {
    warnIgnoredTlog(flags, ctx, 'attestation')
    const { target, signer } = verifyTarget(flags, image, ctx)
    // --type defaults to `custom`, as in cosign; every refusal exits 1 (only `verify` maps errors to 10-13,
    // cmd/cosign/cli/verify/verify.go cosignError.WrapError).
    const type = bool(flags, 'type', 'custom')
    const found = pick(load(ctx).attestations, target, flags)
    if (found.length === 0)
      // cosign v3.0.6 pkg/cosign/verify.go: fmt.Errorf("no matching attestations: %s", …) with nothing to join when
      // there are none (confirmed with the real binary).
      fail(1, 'no matching attestations: ')
    const trusted = found
      .filter((record) => record.signer === signer)
      .filter((record) => record.tlog || bool(flags, 'insecure-ignore-tlog', false))
    if (trusted.length === 0)
      fail(1, 'no matching attestations: invalid signature when validating ASN.1 encoded signature')
    const verified = trusted.filter((record) => record.predicateType === predicateUri(type))
    if (verified.length === 0) {
      const seen = [...new Set(trusted.map((record) => record.predicateType))].join(',')
      fail(1, `none of the attestations matched the predicate type: ${type}, found: ${seen}`)
    }
    header(ctx, image, { annotations: false, tlog: verified.every((r) => r.tlog), keyless: !signer.startsWith('key:') })
    for (const record of verified) {
      const statement = {
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: record.predicateType,
        subject: [{ name: record.repository, digest: { sha256: record.digest.slice('sha256:'.length) } }],
        predicate: record.predicate,
      }
      const payload = Buffer.from(JSON.stringify(statement)).toString('base64')
      const envelope = {
        payloadType: 'application/vnd.in-toto+json',
        payload,
        signatures: [{ keyid: '', sig: Buffer.from(sha256(payload)).toString('base64') }],
      }
      ctx.io.stdout.write(`${JSON.stringify(envelope)}\n`)
    }
  },

  'public-key'({ flags }, ctx) {
    const key = one(flags, 'key') ?? fail(1, 'one of --key or --sk is required')
    if (faults(ctx).includes('public-key-fail')) fail(1, 'reading key: decrypt: encrypted: decryption failed')
    ctx.io.stdout.write(publicKeyOf(privateKey(key, ctx, 'reading key')))
  },

  triangulate({ flags, image }, ctx) {
    const target = reference(image)
    if (target.digest === null) fail(1, `getting remote image: GET ${image}: MANIFEST_UNKNOWN: manifest unknown`)
    const type = one(flags, 'type') ?? 'signature'
    const suffix = { signature: 'sig', attestation: 'att', sbom: 'sbom' }[type]
    if (type !== 'digest' && suffix === undefined) fail(1, `unknown type ${type}`)
    const printed = type === 'digest' ? `@${target.digest}` : `:${target.digest.replace(':', '-')}.${suffix}`
    ctx.io.stdout.write(`${target.repository}${printed}\n`)
  },

  tree({ image }, ctx) {
    const target = reference(image)
    const state = load(ctx)
    const mine = (records) => records.filter((r) => r.repository === target.repository && r.digest === target.digest)
    const [signatures, attestations] = [mine(state.signatures), mine(state.attestations)]
    if (signatures.length + attestations.length === 0) {
      ctx.io.stdout.write(
        `📦 No Supply Chain Security Related Artifacts found for image ${image},\n start creating one with simply running$ cosign sign <img>\n`,
      )
      return 0
    }
    const tag = `${target.repository}:${target.digest.replace(':', '-')}`
    const lines = [`📦 Supply Chain Security Related artifacts for an image: ${image}`]
    const layers = (records) => records.map((r) => `   └── 🍒 sha256:${sha256(JSON.stringify(r))}`)
    const legacy = (records) => records.filter((r) => r.format === 'legacy')
    if (legacy(attestations).length > 0)
      lines.push(`└── 💾 Attestations for an image tag: ${tag}.att`, ...layers(legacy(attestations)))
    if (legacy(signatures).length > 0)
      lines.push(`└── 🔐 Signatures for an image tag: ${tag}.sig`, ...layers(legacy(signatures)))
    for (const record of signatures.filter((r) => r.format === 'bundle')) {
      lines.push(
        `└── 🔗 ${SIGN_V1} artifacts via OCI referrer: ${target.repository}@${record.referrer}`,
        ...layers([record]),
      )
    }
    for (const record of attestations.filter((r) => r.format === 'bundle')) {
      const referrer = `sha256:${sha256(`attestation ${JSON.stringify(record)}`)}`
      lines.push(
        `└── 🔗 ${record.predicateType} artifacts via OCI referrer: ${target.repository}@${referrer}`,
        ...layers([record]),
      )
    }
    ctx.io.stdout.write(`${lines.join('\n')}\n`)
    return 0
  },
}

// options/predicate.go PredicateTypeMap and ParsePredicateType (the names vouch and the tests use).
function predicateUri(type) {
  const known = { vuln: VULN, custom: 'https://cosign.sigstore.dev/attestation/v1' }
  if (Object.hasOwn(known, type)) return known[type]
  return type.includes('://') ? type : fail(1, `invalid predicate type: ${type}`)
}

/**
 * options/annotations.go AnnotationsMap (cosign v2.6.1 and v3.0.6): every item of the `-a` string slice must split on
 * `=` into exactly two parts (strings.Split, so a second `=` fails too); a later key overwrites an earlier one.
 */
function annotationsMap(flags, context) {
  const annotations = {}
  for (const item of flags.values.get('annotations') ?? []) {
    const parts = item.split('=')
    if (parts.length !== 2) fail(1, `${context}unable to parse annotation: ${item}`)
    annotations[parts[0]] = parts[1]
  }
  return annotations
}

/** The subcommands this module answers, for cosign.mjs to dispatch. */
export const COMMANDS = Object.keys(handlers)

// --- command line ---------------------------------------------------------------------------------------------

// cobra's flag parsing over the release's table (cosign-flags.mjs); pflag's messages on a bad flag or value.
function parse(command, args, ctx) {
  let parsed
  try {
    parsed = parseFlags(args, cosignFlagTable(command, ctx.version))
  } catch (error) {
    if (error instanceof FlagError) fail(1, error.message)
    throw error
  }
  for (const notice of parsed.notices) ctx.io.stderr.write(`${notice}\n`)
  const { positionals } = parsed
  if (command !== 'public-key' && positionals.length !== 1) fail(1, `accepts 1 arg(s), received ${positionals.length}`)
  return { flags: parsed, image: positionals[0] }
}

/** The value given on the command line, or undefined when the flag was not set. */
function one(flags, name) {
  return flags.changed.has(name) ? flags.values.get(name) : undefined
}

/** The flag's value, given or this release's default; `fallback` when the release has no such flag. */
function bool(flags, name, fallback) {
  return flags.values.get(name) ?? fallback
}

function reference(image) {
  const pinned = PINNED.exec(image)
  if (pinned !== null) return { repository: pinned[1], digest: `sha256:${pinned[2]}` }
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  return { repository: colon > slash ? image.slice(0, colon) : image, digest: null }
}

// cosign 3's refusals, from cmd/cosign/cli/signcommon LoadTrustedMaterialAndSigningConfig; cosign 2 has no default
// signing config and writes the legacy format unless told otherwise.
function signingMode(flags) {
  const signingConfig = bool(flags, 'use-signing-config', false)
  const bundle = bool(flags, 'new-bundle-format', false)
  const tlog = bool(flags, 'tlog-upload', true)
  if (signingConfig && !tlog) {
    fail(
      1,
      "--tlog-upload=false is not supported with --signing-config or --use-signing-config. Provide a signing config with --signing-config without a transparency log service, which can be created with `cosign signing-config create` or `curl https://raw.githubusercontent.com/sigstore/root-signing/refs/heads/main/targets/signing_config.v0.2.json | jq 'del(.rekorTlogUrls)'` for the public instance",
    )
  }
  if (signingConfig && !bundle)
    fail(
      1,
      'must provide --new-bundle-format or --bundle where applicable with --signing-config or --use-signing-config',
    )
  return { format: bundle ? 'bundle' : 'legacy', tlog }
}

function confirmTlog(flags, mode, ctx, action) {
  if (!mode.tlog || bool(flags, 'yes', false)) return
  ctx.io.stderr.write(
    "The sigstore service, hosted by sigstore a Series of LF Projects, LLC, is provided pursuant to the Hosted Project Tools Terms of Use, available at https://lfprojects.org/policies/hosted-project-tools-terms-of-use/.\nNote that if your submission includes personal data associated with this signed artifact, it will be part of an immutable record.\nBy typing 'y', you attest that (1) you are not submitting the personal data of any other person; and (2) you understand and agree to the statement and the Agreement and the Privacy Statement.\nAre you sure you would like to continue? [y/N] ",
  )
  fail(1, `${action}: checking upload to tlog: EOF`)
}

// --- keys and identities ------------------------------------------------------------------------------------------

function signerOf(flags, ctx, action) {
  const key = one(flags, 'key')
  if (key !== undefined)
    return `key:${fingerprint(publicKeyOf(privateKey(key, ctx, `${action}: getting signer: reading key`)))}`
  const { env } = ctx
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    fail(
      1,
      `${action}: getting signer: getting key from Fulcio: retrieving cert: getting ID token: no ID token provider available`,
    )
  }
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  return `keyless:${server}/${env.GITHUB_WORKFLOW_REF ?? 'unknown'}|https://token.actions.githubusercontent.com`
}

function loadRef(ref, env, action) {
  if (ref.startsWith('env://')) {
    const name = ref.slice('env://'.length)
    if (env[name] === undefined) fail(1, `${action}: loading URL: env var $${name} not found`)
    return env[name]
  }
  if (KMS.test(ref)) return `kms:${ref}`
  if (!existsSync(ref)) fail(1, `${action}: open ${ref}: no such file or directory`)
  return readFileSync(ref, 'utf8')
}

function privateKey(ref, ctx, action) {
  const text = loadRef(ref, ctx.env, action)
  if (text.startsWith('kms:')) return text
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) fail(1, `${action}: invalid pem block`)
  // Real cosign reads the password from stdin when COSIGN_PASSWORD is unset; vouch's stdin is empty.
  if (ctx.env.COSIGN_PASSWORD === undefined) fail(1, `${action}: reading password: EOF`)
  return text
}

function verifyTarget(flags, image, ctx) {
  const target = reference(image)
  if (target.digest === null) fail(11, `image tag not found: GET ${image}: MANIFEST_UNKNOWN: manifest unknown`)
  const key = one(flags, 'key')
  if (key !== undefined) {
    const text = loadRef(key, ctx.env, 'loading public key')
    if (/PRIVATE KEY-----/.test(text))
      fail(1, 'loading public key: pem to public key: unsupported pem type PRIVATE KEY')
    const pem = text.startsWith('kms:') ? publicKeyOf(text) : text
    return { target, signer: `key:${fingerprint(pem)}` }
  }
  const identity = one(flags, 'certificate-identity')
  const issuer = one(flags, 'certificate-oidc-issuer')
  if (identity === undefined)
    fail(1, 'certificate-identity or --certificate-identity-regexp is required for verification in keyless mode')
  if (issuer === undefined)
    fail(1, 'certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required for verification in keyless mode')
  return { target, signer: `keyless:${identity}|${issuer}` }
}

/** A PEM public key derived deterministically from the private key text (or KMS URI). */
export function publicKeyOf(privateText) {
  const point = Buffer.concat([
    createHash('sha256').update(privateText).digest(),
    createHash('sha256').update(`y${privateText}`).digest(),
  ])
  const body = Buffer.concat([
    Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
    Buffer.from([4]),
    point,
  ])
  return `-----BEGIN PUBLIC KEY-----\n${body
    .toString('base64')
    .match(/.{1,64}/g)
    .join('\n')}\n-----END PUBLIC KEY-----\n`
}

function fingerprint(publicPem) {
  return sha256(publicPem.trim()).slice(0, 16)
}

function keylessClaims(record, optional) {
  if (!record.signer.startsWith('keyless:')) return optional
  const [identity, issuer] = record.signer.slice('keyless:'.length).split('|')
  return { ...optional, Subject: identity, Issuer: issuer, '1.3.6.1.4.1.57264.1.1': issuer }
}

// --- state ----------------------------------------------------------------------------------------------------

// cosign 3 verifies bundles when the image has any and falls back to the legacy .sig otherwise (verify.go).
function pick(records, target, flags) {
  const mine = records.filter((r) => r.repository === target.repository && r.digest === target.digest)
  const bundles = mine.filter((r) => r.format === 'bundle')
  const useBundles = bool(flags, 'new-bundle-format', false) && bundles.length > 0
  return useBundles ? bundles : mine.filter((r) => r.format === 'legacy')
}

// cosign v3.0.6 cmd/cosign/cli/verify.go (ignoreTLogMessage, printed by internal/ui Warnf) before verifying anything.
function warnIgnoredTlog(flags, ctx, what) {
  if (!bool(flags, 'insecure-ignore-tlog', false)) return
  ctx.io.stderr.write(
    `WARNING: Skipping tlog verification is an insecure practice that lacks transparency and auditability verification for the ${what}.\n`,
  )
}

function header(ctx, image, { annotations, tlog, keyless }) {
  const lines = [`\nVerification for ${image} --`, 'The following checks were performed on each of these signatures:']
  if (annotations) lines.push('  - The specified annotations were verified.')
  lines.push('  - The cosign claims were validated')
  if (tlog) lines.push('  - Existence of the claims in the transparency log was verified offline')
  lines.push(
    keyless
      ? '  - The code-signing certificate was verified using trusted certificate authority certificates'
      : '  - The signatures were verified against the specified public key',
  )
  ctx.io.stderr.write(`${lines.join('\n')}\n`)
}

function statePath(env) {
  if (env.VOUCH_FAKE_COSIGN_STATE) return env.VOUCH_FAKE_COSIGN_STATE
  if (env.VOUCH_FAKE_LOG) return path.join(path.dirname(env.VOUCH_FAKE_LOG), 'cosign-state.json')
  return fail(1, 'stand-in cosign: set VOUCH_FAKE_COSIGN_STATE or VOUCH_FAKE_LOG')
}

function load(ctx) {
  const file = statePath(ctx.env)
  const empty = { signatures: [], attestations: [], fired: [] }
  return existsSync(file) ? { ...empty, ...JSON.parse(readFileSync(file, 'utf8')) } : empty
}

function save(ctx, state) {
  const file = statePath(ctx.env)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`)
}

function faults(ctx) {
  return (ctx.env.VOUCH_FAKE_COSIGN_FAIL ?? '').split(',').map((fault) => fault.trim())
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex')
}
