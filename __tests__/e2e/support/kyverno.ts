// The real Kyverno CLI as the cluster would judge a pod: `kyverno apply POLICY --resource POD --registry` evaluates
// a ClusterPolicy verifyImages rule against the loopback registry, with no cluster. Offline, a key attestor needs
// `rekor: {ignoreTlog: true, url: …}` and `ctlog: {ignoreSCT: true}` (without ctlog it fetches CT keys through TUF).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { runTool, type KeyPair, type ToolRun } from './cosign.js'
import { realTool, REAL_TOOLS } from './real-tools.js'

/** A ClusterPolicy requiring a signature by `key` with the signed gate annotation, for every image under `registry`. */
export async function signaturePolicy(
  registry: string,
  key: KeyPair,
  annotations: Record<string, string>,
): Promise<object> {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'vouch-signed-images' },
    spec: {
      webhookTimeoutSeconds: 30,
      background: false,
      rules: [
        {
          name: 'vouch-signature',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [
            {
              imageReferences: [`${registry}/*`],
              failureAction: 'Enforce',
              mutateDigest: false,
              required: true,
              attestors: [
                {
                  entries: [
                    {
                      keys: {
                        publicKeys: (await readFile(key.publicKey, 'utf8')).trim(),
                        rekor: { ignoreTlog: true, url: 'https://rekor.sigstore.dev' },
                        ctlog: { ignoreSCT: true },
                      },
                      annotations,
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  }
}

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
  policy: object,
  resource: object,
  version: string = REAL_TOOLS.kyverno,
): Promise<ToolRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vouch-e2e-kyverno-'))
  await writeFile(path.join(dir, 'policy.yaml'), stringify(policy))
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
