// Trivy runs with an allowlisted environment: the key that `cosign-key: env://NAME` names, cosign's settings and the
// runner's tokens never reach any trivy invocation (`--version` included), through the bundled action, while cosign
// still gets what it signs with. The stand-in tools record the names of their environment (fakes/lib.mjs).
import { expect, test } from 'vitest'
import { runScenario, testKey, worldWithImage } from './world.js'

const scene = worldWithImage('team/app', '1.0')

const NEVER_FOR_TRIVY = [
  'MY_SIGNING_KEY',
  'COSIGN_PASSWORD',
  'COSIGN_EXPERIMENTAL',
  'COSIGN_PRIVATE_KEY',
  'GITHUB_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'AWS_SECRET_ACCESS_KEY',
  'TRIVY_SEVERITY',
  'APK_INDEX_ARCHIVE_URL',
]

test('no trivy invocation sees the signing key, cosign settings or runner tokens; cosign still signs', async () => {
  const run = await runScenario(scene.world, scene.image(), {
    inputs: { 'cosign-key': 'env://MY_SIGNING_KEY', 'cosign-password': '' },
    env: {
      MY_SIGNING_KEY: testKey('ENVKEYMARK'),
      COSIGN_PASSWORD: 'workflow-level-password',
      COSIGN_EXPERIMENTAL: '1',
      GITHUB_TOKEN: 'ghs_workflowtoken',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
      AWS_SECRET_ACCESS_KEY: 'kms-credentials',
      TRIVY_SEVERITY: 'CRITICAL',
      APK_INDEX_ARCHIVE_URL: 'https://apk.example/index',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      TRIVY_NO_PROGRESS: 'true',
    },
  })
  expect(run.exitCode, run.stdout).toBe(0)
  const trivy = run.invocations.filter((call) => call.tool === 'trivy')
  expect(trivy.map((call) => call.argv[0])).toEqual(['--version', 'image'])
  for (const call of trivy) {
    for (const name of NEVER_FOR_TRIVY) expect(call.env, `${call.argv[0]}: ${name}`).not.toContain(name)
    expect(call.env.filter((name) => name.startsWith('COSIGN') || name.startsWith('INPUT_'))).toEqual([])
    // What Trivy needs is still there.
    expect(call.env).toEqual(expect.arrayContaining(['PATH', 'HOME', 'HTTPS_PROXY', 'NO_PROXY', 'TRIVY_NO_PROGRESS']))
  }
  const sign = run.invocations.find((call) => call.tool === 'cosign' && call.argv[0] === 'sign')
  expect(sign?.argv).toEqual(expect.arrayContaining(['--key', 'env://MY_SIGNING_KEY']))
  expect(sign?.env).toContain('MY_SIGNING_KEY')
  expect(run.outputs.signed).toBe('true')
})
