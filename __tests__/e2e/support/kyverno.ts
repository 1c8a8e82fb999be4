// The real Kyverno CLI as the cluster would judge a pod: `kyverno apply POLICY --resource POD --registry` evaluates
// a ClusterPolicy verifyImages rule against the loopback registry, with no cluster.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { realTool, REAL_TOOLS, runTool, type ToolRun } from './real-tools.js'

export function pod(name: string, image: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'production-app' },
    spec: { containers: [{ name: 'app', image }] },
  }
}

/** `kyverno apply` of one policy to one pod; HOME is a fresh folder, so no credentials of the machine are read. */
export async function kyvernoApply(
  policy: object | string,
  resource: object,
  version: string = REAL_TOOLS.kyverno,
): Promise<ToolRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vouch-e2e-kyverno-'))
  await writeFile(path.join(dir, 'policy.yaml'), typeof policy === 'string' ? policy : stringify(policy))
  await writeFile(path.join(dir, 'pod.yaml'), stringify(resource))
  try {
    return await runTool(
      realTool('kyverno', version),
      [
        'apply',
        path.join(dir, 'policy.yaml'),
        '--resource',
        path.join(dir, 'pod.yaml'),
        '--registry',
        '--remove-color',
      ],
      { HOME: dir, DOCKER_CONFIG: dir },
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
