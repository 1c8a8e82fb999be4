// Installs the tools this run needs (Trivy, and cosign when it signs), in parallel, each verified by sha256 before it runs.
import * as core from '@actions/core'
import type { Exec } from '../exec.js'
import type { Inputs } from '../inputs.js'
import { installTools, type InstalledTools } from '../tools/install.js'
import { releaseAsset, runnerPlatform } from '../tools/assets.js'
import { expectedSha256 } from '../tools/checksums.js'
import { checkToolIdentity } from '../tools/identity.js'
import { signingKeyVariables, trivyEnvironment, trivyExec } from '../trivy/environment.js'

/**
 * What the installer would refuse, found before any network call: a runner no release is built for, a version
 * without a pinned or given sha256, a given sha256 that contradicts the pin, a refused release.
 */
export function checkToolRequests(inputs: Inputs, env: NodeJS.ProcessEnv): void {
  const platform = runnerPlatform(env)
  const tools = inputs.sign ? (['trivy', 'cosign'] as const) : (['trivy'] as const)
  for (const tool of tools) {
    releaseAsset(tool, inputs[tool].version, platform, inputs.toolsMirror)
    expectedSha256(tool, inputs[tool], platform)
  }
}

export async function installRunTools(
  inputs: Inputs,
  exec: Exec,
  env: Record<string, string | undefined> = process.env,
): Promise<InstalledTools> {
  // cosign is needed only to sign; a run with `sign: false` never downloads it.
  const label = inputs.sign ? 'Install Trivy and cosign' : 'Install Trivy'
  return core.group(label, async () => {
    const tools = await installTools(
      {
        trivy: inputs.trivy,
        ...(inputs.sign ? { cosign: inputs.cosign } : {}),
        ...(inputs.toolsMirror === undefined ? {} : { toolsMirror: inputs.toolsMirror }),
        cache: inputs.cache,
      },
      // The identity checks run below, so that `trivy --version` gets Trivy's allowlisted environment like every
      // other Trivy run: never cosign's key or password.
      { exec: false },
    )
    const trivyOnly = trivyExec(exec, trivyEnvironment(env, { withheld: signingKeyVariables(inputs.cosignKey) }))
    await Promise.all([
      checkToolIdentity(tools.trivy, trivyOnly),
      ...(tools.cosign === undefined ? [] : [checkToolIdentity(tools.cosign, exec)]),
    ])
    for (const tool of [tools.trivy, tools.cosign]) {
      if (tool !== undefined) core.info(`${tool.tool} ${tool.version}: ${tool.path} (sha256 ${tool.sha256})`)
    }
    return tools
  })
}
