import { describe, expect, test } from 'vitest'
import { toolEnvironment, type ExecOptions } from '../../src/exec.js'
import { signingKeyVariables, trivyEnvironment, trivyExec } from '../../src/trivy/environment.js'

describe('what a tool inherits from the step', () => {
  const step = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    RUNNER_TEMP: '/tmp/runner',
    'INPUT_COSIGN-KEY': '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
    'INPUT_COSIGN-PASSWORD': 'pw',
    'INPUT_REGISTRY-PASSWORD': 'registry-secret',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
    ACTIONS_RUNTIME_TOKEN: 'runtime',
    ACTIONS_RESULTS_URL: 'https://results.example',
    ACTIONS_CACHE_URL: 'https://cache.example',
    GITHUB_TOKEN: 'ghs_x',
    MY_KMS_KEY: 'kept: env://MY_KMS_KEY keys are the user’s to pass',
  }

  test('keeps the ordinary environment and drops inputs and runtime tokens', () => {
    expect(Object.keys(toolEnvironment(step)).sort()).toEqual(['HOME', 'MY_KMS_KEY', 'PATH', 'RUNNER_TEMP'])
  })

  test('what the caller hands over explicitly is kept', () => {
    const env = toolEnvironment(step, { COSIGN_PASSWORD: 'pw', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'for cosign only' })
    expect(env.COSIGN_PASSWORD).toBe('pw')
    expect(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe('for cosign only')
  })
})

describe('what Trivy gets: an allowlist, never cosign’s', () => {
  const step = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    TMPDIR: '/tmp',
    HTTPS_PROXY: 'http://proxy:3128',
    no_proxy: 'localhost',
    SSL_CERT_FILE: '/etc/ssl/certs/ca.pem',
    DOCKER_CONFIG: '/home/runner/.docker',
    TRIVY_NO_PROGRESS: 'true',
    TRIVY_JAVA_DB_REPOSITORY: 'registry.internal/trivy-java-db:1',
    TRIVY_SEVERITY: 'CRITICAL',
    TRIVY_IGNOREFILE: '.trivyignore',
    TRIVY_USERNAME: 'runner',
    TRIVY_PASSWORD: 'runner-pass',
    COSIGN_PASSWORD: 'pw',
    COSIGN_EXPERIMENTAL: '1',
    COSIGN_PRIVATE_KEY: 'pem',
    MY_KMS_KEY: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
    AWS_SECRET_ACCESS_KEY: 'kms',
    GITHUB_TOKEN: 'ghs_x',
    ACTIONS_RUNTIME_TOKEN: 'runtime',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
    'INPUT_COSIGN-KEY': 'env://MY_KMS_KEY',
    APK_INDEX_ARCHIVE_URL: 'https://apk.example/index',
  }

  test('keeps what Trivy needs, and the runner’s own Trivy credentials when vouch hands none', () => {
    expect(Object.keys(trivyEnvironment(step, { withheld: ['MY_KMS_KEY'] })).sort()).toEqual(
      [
        'DOCKER_CONFIG',
        'HOME',
        'HTTPS_PROXY',
        'PATH',
        'SSL_CERT_FILE',
        'TMPDIR',
        'TRIVY_DISABLE_TELEMETRY',
        'TRIVY_JAVA_DB_REPOSITORY',
        'TRIVY_NO_PROGRESS',
        'TRIVY_PASSWORD',
        'TRIVY_SKIP_VERSION_CHECK',
        'TRIVY_USERNAME',
        'no_proxy',
      ].sort(),
    )
  })

  test('Trivy never calls home and draws no progress bar, whatever the step says', () => {
    const quiet = { TRIVY_SKIP_VERSION_CHECK: 'true', TRIVY_DISABLE_TELEMETRY: 'true', TRIVY_NO_PROGRESS: 'true' }
    expect(trivyEnvironment({ TRIVY_DISABLE_TELEMETRY: 'false', TRIVY_NO_PROGRESS: 'false' })).toEqual(quiet)
  })

  test('on a Windows runner, what Go needs is kept whatever the case of its name', () => {
    const windows = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\runner', TEMP: 'C:\\t' }
    const quiet = { TRIVY_SKIP_VERSION_CHECK: 'true', TRIVY_DISABLE_TELEMETRY: 'true', TRIVY_NO_PROGRESS: 'true' }
    expect(trivyEnvironment({ ...windows, COSIGN_PASSWORD: 'pw' })).toEqual({ ...windows, ...quiet })
  })

  test('with vouch’s docker config, that config replaces the runner’s and Trivy’s own credentials go', () => {
    const env = trivyEnvironment(step, { dockerConfigDir: '/runner/temp/vouch-docker-config-x' })
    expect(env.DOCKER_CONFIG).toBe('/runner/temp/vouch-docker-config-x')
    expect(env).not.toHaveProperty('TRIVY_USERNAME')
    expect(env).not.toHaveProperty('TRIVY_PASSWORD')
  })

  test('the env://NAME of cosign-key is withheld even when the allowlist would name it', () => {
    const key = signingKeyVariables({ kind: 'uri', uri: 'env://HOME' })
    expect(key).toEqual(['HOME'])
    expect(trivyEnvironment(step, { withheld: key })).not.toHaveProperty('HOME')
    expect(signingKeyVariables({ kind: 'uri', uri: 'awskms:///alias/k' })).toEqual([])
    expect(signingKeyVariables({ kind: 'keyless' })).toEqual([])
  })

  test('every Trivy run through trivyExec gets exactly that environment, whatever the caller passes', async () => {
    const seen: (ExecOptions | undefined)[] = []
    const exec = trivyExec(async (_command, _args, options) => {
      seen.push(options)
      return { exitCode: 0, stdout: '', stderr: '' }
    }, trivyEnvironment(step))
    await exec('/opt/trivy', ['--version'])
    await exec('/opt/trivy', ['image'], { env: { COSIGN_PASSWORD: 'pw' }, echo: true })
    expect(seen).toHaveLength(2)
    for (const options of seen) {
      expect(options?.replaceEnv).toBe(true)
      expect(options?.env).toEqual(trivyEnvironment(step))
    }
  })
})
