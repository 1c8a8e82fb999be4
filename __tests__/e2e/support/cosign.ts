// The real cosign, run the way a user checks what vouch signed: a key pair from `cosign generate-key-pair`, and
// `cosign verify` / `verify-attestation` against the loopback registry with no transparency log.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { RegistryCredentials } from '../../support/registry.js'
import { realTool, REAL_TOOLS, runTool, type ToolRun } from './real-tools.js'

export interface KeyPair {
  dir: string
  privateKey: string
  password: string
  /** Path of cosign.pub. */
  publicKey: string
}

/** `cosign generate-key-pair` (v3.0.6) in a fresh folder, with the password from COSIGN_PASSWORD as it documents. */
export async function generateKeyPair(password: string): Promise<KeyPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vouch-e2e-key-'))
  const cosign = realTool('cosign', REAL_TOOLS.cosign)
  const child = spawn(cosign, ['generate-key-pair'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, COSIGN_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end()
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  if (code !== 0) throw new Error(`cosign generate-key-pair exited ${code}: ${stderr}`)
  return {
    dir,
    privateKey: await readFile(path.join(dir, 'cosign.key'), 'utf8'),
    password,
    publicKey: path.join(dir, 'cosign.pub'),
  }
}

export interface VerifyOptions {
  /** `cosign` by default v3.0.6; v2.6.1 for legacy checks with the older major. */
  version?: string
  credentials?: RegistryCredentials & { host: string }
}

/** A HOME (and docker config, when the registry needs a login) of the user's own, for cosign to read. */
async function userEnv(options: VerifyOptions): Promise<Record<string, string>> {
  const home = await mkdtemp(path.join(tmpdir(), 'vouch-e2e-user-'))
  const env: Record<string, string> = { HOME: home }
  if (options.credentials !== undefined) {
    const { host, username, password } = options.credentials
    const auth = Buffer.from(`${username}:${password}`).toString('base64')
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }))
    env.DOCKER_CONFIG = home
  }
  return env
}

/** Runs cosign with a fresh user environment, removed afterwards. */
async function asUser(
  options: VerifyOptions,
  binary: string,
  args: string[],
  extra: Record<string, string> = {},
): Promise<ToolRun> {
  const env = await userEnv(options)
  try {
    return await runTool(binary, args, { ...env, ...extra })
  } finally {
    await rm(env.HOME!, { recursive: true, force: true })
  }
}

/** `cosign verify --key cosign.pub -a k=v … --insecure-ignore-tlog=true --allow-http-registry IMAGE`. */
export async function cosignVerify(
  key: KeyPair,
  image: string,
  annotations: Record<string, string>,
  options: VerifyOptions = {},
): Promise<ToolRun> {
  const cosign = realTool('cosign', options.version ?? REAL_TOOLS.cosign)
  const args = ['verify', '--key', key.publicKey, '--insecure-ignore-tlog=true', '--allow-http-registry']
  for (const [name, value] of Object.entries(annotations)) args.push('-a', `${name}=${value}`)
  return asUser(options, cosign, [...args, image])
}

/** `cosign verify-attestation --type vuln`; its stdout holds one DSSE envelope (JSON) per verified attestation. */
export async function cosignVerifyAttestation(
  key: KeyPair,
  image: string,
  options: VerifyOptions = {},
): Promise<ToolRun> {
  const cosign = realTool('cosign', options.version ?? REAL_TOOLS.cosign)
  const args = ['verify-attestation', '--key', key.publicKey, '--type', 'vuln', '--insecure-ignore-tlog=true']
  return asUser(options, cosign, [...args, '--allow-http-registry', image])
}

/** The in-toto statements inside verify-attestation's output (one envelope per line, payload base64). */
export function attestedStatements(stdout: string): { predicateType: string; predicate: Record<string, unknown> }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as { payload: string })
    .map((envelope) => JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')))
}

/** The signatures `cosign verify` printed as JSON: each one's `optional` map is what was signed in with -a. */
export function verifiedPayloads(
  stdout: string,
): { critical: { image: { 'docker-manifest-digest': string } }; optional: Record<string, string> }[] {
  const text = stdout.trim()
  return text === '' ? [] : (JSON.parse(text) as ReturnType<typeof verifiedPayloads>)
}

export interface SignOptions extends VerifyOptions {
  /** `legacy` (the `.sig` tag, default) or `bundle` (cosign v3 only). */
  format?: 'legacy' | 'bundle'
}

/**
 * Signs `image` (repo@sha256:…) with the real cosign and no transparency log, as a user or another pipeline would:
 * for signatures the action did not make (another key, other annotations). cosign v3 refuses --tlog-upload=false
 * unless --use-signing-config=false (FACTS.md, "Running them offline").
 */
export async function cosignSign(
  key: KeyPair,
  image: string,
  annotations: Record<string, string>,
  options: SignOptions = {},
): Promise<ToolRun> {
  const version = options.version ?? REAL_TOOLS.cosign
  const v3 = version.startsWith('v3')
  const format = options.format ?? 'legacy'
  const args = ['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', '--tlog-upload=false', '--allow-http-registry']
  if (v3) args.push('--use-signing-config=false', `--new-bundle-format=${format === 'bundle'}`)
  for (const [name, value] of Object.entries(annotations)) args.push('-a', `${name}=${value}`)
  const secrets = { COSIGN_PRIVATE_KEY: key.privateKey, COSIGN_PASSWORD: key.password }
  return asUser(options, realTool('cosign', version), [...args, image], secrets)
}
