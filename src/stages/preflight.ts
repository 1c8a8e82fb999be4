// Everything that needs no network is checked first: a bad setup downloads, scans and signs nothing. Each failure
// here is an InputError naming the input.
import { stat } from 'node:fs/promises'
import { InputError, SigningError } from '../errors.js'
import type { Inputs } from '../inputs.js'
import { formatReference } from '../image/reference.js'
import { describeAllowed, isAllowed } from '../image/allowed.js'
import { checkFormatSupported } from '../cosign/args.js'
import { checkKeylessReady, type CosignKey } from '../cosign/keys.js'
import { runnerPlatform } from '../tools/assets.js'
import { planTools } from '../tools/plan.js'
import { signingKeyVariables } from '../trivy/environment.js'
import { loadExceptions } from './exceptions.js'
import type { RunPlan, SigningPlan } from './plan.js'

/** The run's plan, or the InputError (or refusal) that stops it before anything is downloaded. */
export async function checkBeforeNetwork(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<RunPlan> {
  const written = formatReference(inputs.image)
  if (!isAllowed(inputs.image, written, inputs.allowedRegistries)) {
    throw new InputError(
      'image',
      written,
      `is outside allowed-registries (${describeAllowed(inputs.allowedRegistries)})`,
      'Add a pattern for this registry to `allowed-registries`, or scan an image from a registry it allows.',
    )
  }
  if (inputs.sign) checkFormatSupported(inputs.signatureFormat, inputs.cosign.version)
  // cosign is needed only to sign; a run with `sign: false` never downloads it.
  const tools = planTools(
    {
      trivy: inputs.trivy,
      ...(inputs.sign ? { cosign: inputs.cosign } : {}),
      ...(inputs.toolsMirror === undefined ? {} : { toolsMirror: inputs.toolsMirror }),
      cache: inputs.cache,
    },
    runnerPlatform(env),
  )
  if (inputs.sign) checkSigningKey(inputs.cosignKey, env)
  await checkVexFiles(inputs.vex)
  const exceptions = await loadExceptions(inputs)
  return {
    tools,
    cacheTools: inputs.cache,
    exceptions,
    signing: signingPlan(inputs),
    platforms: inputs.platforms,
    // Whether or not the run signs: the key's variable is cosign's secret, never Trivy's.
    trivyWithheld: signingKeyVariables(inputs.cosignKey),
  }
}

function signingPlan(inputs: Inputs): SigningPlan {
  if (!inputs.sign) return { sign: false }
  return {
    sign: true,
    key: inputs.cosignKey,
    format: inputs.signatureFormat,
    tlogUpload: inputs.tlogUpload,
    attest: inputs.attest,
    cosignVersion: inputs.cosign.version,
  }
}

// cosign v3.0.6 pkg/cosign/keys.go LoadPrivateKey, which `cosign sign --key` reaches through
// pkg/signature/keys.go loadKey (for a file and for env://NAME alike): `pem.Decode`, then the block type must be
// CosignPrivateKeyPemType or SigstorePrivateKeyPemType, else "unsupported pem type". The plain PKCS#8, EC and RSA
// types of the same file (RSAPrivateKeyPemType, ECPrivateKeyPemType, PrivateKeyPemType) are read by
// `cosign import-key-pair` only, which turns them into the encrypted form.
const SIGNING_PEM_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY']
const IMPORTABLE_PEM_TYPES = ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']
const PEM_BLOCK = /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END ([A-Z0-9 ]+)-----$/

/** The key `cosign sign` will be given, checked as far as can be without the password. */
function checkSigningKey(key: CosignKey, env: NodeJS.ProcessEnv): void {
  if (key.kind === 'keyless') {
    try {
      checkKeylessReady(key, env)
    } catch (error) {
      if (!(error instanceof SigningError)) throw error
      throw new InputError(
        'cosign-key',
        '',
        `is empty, which asks for keyless signing, and that cannot work in this job: ${error.message}`,
        'Give the job `permissions: id-token: write`, or set `cosign-key` to sign with a key, or set `sign: false`.',
      )
    }
    return
  }
  if (key.kind === 'pem') return checkPem(key.pem, 'cosign-key', '<redacted>')
  const named = /^env:\/\/(.+)$/.exec(key.uri)?.[1]
  if (named === undefined) return
  const value = env[named]
  if (value === undefined || value.trim() === '') {
    throw new InputError(
      'cosign-key',
      key.uri,
      `names the environment variable ${named}, which is ${value === undefined ? 'not set' : 'empty'} in this step`,
      `Set \`env: ${named}: \${{ secrets.… }}\` on the step, or give the key's PEM contents as \`cosign-key\`.`,
    )
  }
  checkPem(value.trim(), 'cosign-key', key.uri)
}

function checkPem(pem: string, input: string, shown: string): void {
  const block = PEM_BLOCK.exec(pem)
  if (block === null || block[1] !== block[3]) {
    throw new InputError(input, shown, 'is not a PEM block: one BEGIN line, base64 lines, and the matching END line')
  }
  const type = block[1]!
  if (SIGNING_PEM_TYPES.includes(type)) return
  const convert = IMPORTABLE_PEM_TYPES.includes(type)
    ? '; convert it with `cosign import-key-pair --key <file>` and use the cosign.key it writes'
    : ''
  throw new InputError(
    input,
    shown,
    `is a ${type} PEM; cosign signs only with its own encrypted key (${SIGNING_PEM_TYPES.join(' or ')})${convert}`,
  )
}

// Trivy's own VEX sources, which are not files: trivy v0.74.0 pkg/vex/vex.go NewSource (`repo`, `repository`, `oci`,
// `sbom-ref`).
const VEX_SOURCES = ['repo', 'repository', 'oci', 'sbom-ref']

/** Each `vex` entry that is a path must be a file now: Trivy would otherwise fail only after the downloads. */
async function checkVexFiles(documents: string[]): Promise<void> {
  for (const document of documents) {
    if (VEX_SOURCES.includes(document) || /^[a-z]+:\/\//i.test(document)) continue
    let why: string | undefined
    try {
      if (!(await stat(document)).isFile()) why = 'it is not a file'
    } catch (error) {
      why = (error as NodeJS.ErrnoException).code ?? 'it cannot be read'
    }
    if (why !== undefined) {
      throw new InputError('vex', document, `must list VEX files that exist, URLs or Trivy's sources (${why})`)
    }
  }
}
