import { describe, expect, test } from 'vitest'
import { toolEnvironment } from '../../src/exec.js'

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
