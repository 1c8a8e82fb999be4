// One image's conversation with its registry: who speaks (and with which credentials), to whom, and how.
import type { RegistryCredentials } from './credentials.js'

/** Where the credentials sent to a registry came from; named in 401 messages, the secrets never are. */
export type CredentialSource = 'inputs' | 'docker config' | 'anonymous'

export interface Identity {
  source: CredentialSource
  credentials?: RegistryCredentials
  /** The docker config file, when the credentials came from one. */
  configPath?: string
}

/** One image's conversation with its registry. */
export interface RegistrySession {
  /** The image as the user knows it, for messages. */
  image: string
  registry: string
  repository: string
  identity: Identity
  fetch: typeof fetch
  userAgent: string
}
