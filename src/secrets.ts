// The run's secrets, registered with the runner before anything can print them: the runner then replaces each with
// *** in every log line, whoever prints it (vouch, cosign, Trivy).
import * as core from '@actions/core'
import type { CosignKey } from './cosign/keys.js'
import type { RegistryCredentials } from './image/credentials.js'

export interface Secrets {
  key: CosignKey
  /** The cosign key's password. */
  password: string
  credentials?: RegistryCredentials | undefined
}

/** Masks the password, the registry password and a PEM key: whole and line by line, as the runner masks lines. */
export function maskSecrets({ key, password, credentials }: Secrets): void {
  const secrets = [password, credentials?.password ?? '']
  if (key.kind === 'pem') {
    secrets.push(key.pem, ...key.pem.split(/\r?\n/).filter((line) => !line.startsWith('-----')))
  }
  for (const secret of secrets) if (secret.trim() !== '') core.setSecret(secret.trim())
}
