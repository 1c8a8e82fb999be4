// Installs the tools the plan names (Trivy, and cosign when the run signs), in parallel, each verified by sha256
// before it runs.
import * as core from '@actions/core'
import type { Exec } from '../exec.js'
import { installPlannedTools, type InstalledTools } from '../tools/install.js'
import type { InstalledTool } from '../tools/request.js'
import { trivyEnvironment, trivyExec } from '../trivy/environment.js'
import type { RunPlan } from './plan.js'

/** `onCosign` is told of cosign once it is verified, while Trivy may still be installing. */
export async function installRunTools(
  plan: Pick<RunPlan, 'tools' | 'cacheTools' | 'trivyWithheld'>,
  exec: Exec,
  env: Record<string, string | undefined>,
  onCosign?: (cosign: InstalledTool) => void,
): Promise<InstalledTools> {
  const label = plan.tools.cosign === undefined ? 'Install Trivy' : 'Install Trivy and cosign'
  return core.group(label, async () => {
    // `trivy --version` gets Trivy's allowlisted environment like every other Trivy run: never cosign's key or
    // password. Each check runs as soon as its tool is unpacked.
    const trivyOnly = trivyExec(exec, trivyEnvironment(env, { withheld: plan.trivyWithheld }))
    const tools = await installPlannedTools(plan.tools, {
      cache: plan.cacheTools,
      exec: { trivy: trivyOnly, cosign: exec },
      onReady: (tool) => {
        if (tool.tool === 'cosign') onCosign?.(tool)
      },
    })
    for (const tool of [tools.trivy, tools.cosign]) {
      if (tool !== undefined) core.info(`${tool.tool} ${tool.version}: ${tool.path} (sha256 ${tool.sha256})`)
    }
    return tools
  })
}
