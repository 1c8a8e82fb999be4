// One loopback registry, two key pairs from the real cosign, and the policies rendered for them: what every
// matrix file starts from.
import { readFile, rm } from 'node:fs/promises'
import { renderPolicies } from '../../../../src/cluster/policies.js'
import { DEFAULT_POLICY_OPTIONS, type PolicyOptions } from '../../../../src/cluster/policy-options.js'
import { startRegistry, type StartedRegistry } from '../../../support/registry.js'
import { realTool, REAL_TOOLS } from '../../support/real-tools.js'
import { generateKeyPair, type KeyPair } from '../../support/cosign.js'

export interface ClusterFixture {
  registry: StartedRegistry
  cosign: string
  /** cosign v2.6.1: a team that pins vouch's `cosign-version` to the v2 line signs with it. */
  cosignV2: string
  keys: KeyPair
  otherKeys: KeyPair
  options: PolicyOptions
  /** The text of one rendered file of policies/, for these keys and this registry. */
  policy(file: string): string
  /** Stops the registry and removes the key pairs' folders. */
  close(): Promise<void>
}

export async function clusterFixture(): Promise<ClusterFixture> {
  const cosign = realTool('cosign', REAL_TOOLS.cosign)
  const registry = await startRegistry()
  // cosign v3's `generate-key-pair`, with an empty password as vouch's `cosign-password` default.
  const keys = await generateKeyPair('')
  const otherKeys = await generateKeyPair('')
  // As a team renders them for vouch's `cosign-key` and `tlog-upload: false`: `npm run policies -- --public-key
  // cosign.pub --no-tlog --registries 127.0.0.1:PORT/*`.
  const options: PolicyOptions = {
    ...DEFAULT_POLICY_OPTIONS,
    signer: { kind: 'key', publicKey: await readFile(keys.publicKey, 'utf8') },
    ignoreTlog: true,
    registries: [`${registry.host}/*`],
  }
  const files = renderPolicies(options)
  const policy = (file: string): string => {
    const found = files.find((candidate) => candidate.path === file)
    if (found === undefined) throw new Error(`no rendered ${file}`)
    return found.text
  }
  const close = async (): Promise<void> => {
    await registry.stop()
    await Promise.all([keys, otherKeys].map((pair) => rm(pair.dir, { recursive: true, force: true })))
  }
  return {
    registry,
    cosign,
    cosignV2: realTool('cosign', REAL_TOOLS.cosignV2),
    keys,
    otherKeys,
    options,
    policy,
    close,
  }
}
