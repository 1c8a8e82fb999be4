// Who signs and how the key's secrets reach cosign: the environment for a key, the workflow identity for keyless.
// Pure: the key and password go into environment variables, never into argv or a file.
import { SigningError } from '../errors.js'

/** How cosign gets its key. PEM contents never reach argv; they go through an environment variable. */
export type CosignKey = { kind: 'keyless' } | { kind: 'pem'; pem: string } | { kind: 'uri'; uri: string }

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'
/** Where the PEM private key travels; argv names it as env://COSIGN_PRIVATE_KEY. */
export const PRIVATE_KEY_ENV = 'COSIGN_PRIVATE_KEY'
/** Where the derived public key travels for `verify --key env://COSIGN_PUBLIC_KEY`. */
export const PUBLIC_KEY_ENV = 'COSIGN_PUBLIC_KEY'

/** Who a keyless signature must come from: the workflow's certificate identity and the OIDC issuer. */
export interface KeylessIdentity {
  identity: string
  issuer: string
}

export interface CosignEnvOptions {
  key: CosignKey
  password: string
  /** A temporary docker config holding the registry credentials. */
  dockerConfigDir?: string
  /** The public key PEM that `verify --key env://COSIGN_PUBLIC_KEY` reads. */
  publicKey?: string
  /** Keyless: the job's OIDC request variables, handed on by name so cosign gets them even from a trimmed env. */
  oidcRequest?: { url: string; token: string }
}

export function cosignEnv(options: CosignEnvOptions): Record<string, string> {
  return {
    // Always set, even empty: without it cosign waits for a password on stdin.
    COSIGN_PASSWORD: options.password,
    COSIGN_YES: 'true',
    ...(options.key.kind === 'pem' ? { [PRIVATE_KEY_ENV]: options.key.pem } : {}),
    ...(options.publicKey === undefined ? {} : { [PUBLIC_KEY_ENV]: options.publicKey }),
    ...(options.dockerConfigDir === undefined ? {} : { DOCKER_CONFIG: options.dockerConfigDir }),
    ...(options.key.kind === 'keyless' && options.oidcRequest !== undefined
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: options.oidcRequest.url,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.oidcRequest.token,
        }
      : {}),
  }
}

/**
 * The identity Fulcio writes into a keyless certificate for this workflow run: the workflow file at its ref.
 * GitHub's token calls it `job_workflow_ref`, which is GITHUB_WORKFLOW_REF except inside a reusable workflow.
 */
export function keylessIdentity(env: NodeJS.ProcessEnv): KeylessIdentity {
  const workflowRef = env.GITHUB_WORKFLOW_REF ?? ''
  if (workflowRef === '') {
    throw new SigningError(
      'keyless signing needs GITHUB_WORKFLOW_REF to know the identity to verify against; it runs only inside ' +
        'GitHub Actions. Set `cosign-key` to sign with a key elsewhere.',
    )
  }
  const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '') || 'https://github.com'
  return { identity: `${server}/${workflowRef}`, issuer: GITHUB_OIDC_ISSUER }
}

/** Checked before anything is signed: keyless signing fails late and obscurely without the job's OIDC token. */
export function checkKeylessReady(key: CosignKey, env: NodeJS.ProcessEnv): KeylessIdentity | undefined {
  if (key.kind !== 'keyless') return undefined
  const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter((name) => !env[name])
  if (missing.length > 0) {
    throw new SigningError(
      `keyless signing needs the job's OIDC token, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} ` +
        'not set. Give the job `permissions: id-token: write` (and `contents: read`), or set `cosign-key` to sign ' +
        'with a key.',
    )
  }
  return keylessIdentity(env)
}
