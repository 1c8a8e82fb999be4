import { describe, expect, test } from 'vitest'
import { SigningError } from '../../src/errors.js'
import { checkKeylessReady, keylessIdentity } from '../../src/cosign/keys.js'

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't0k3n' }
const WORKFLOW = { GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/release.yml@refs/heads/main' }

describe('keylessIdentity', () => {
  test.each([
    [{}, 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'],
    [
      { GITHUB_SERVER_URL: 'https://github.com' },
      'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
    ],
    [
      { GITHUB_SERVER_URL: 'https://ghe.example.com/' },
      'https://ghe.example.com/acme/app/.github/workflows/release.yml@refs/heads/main',
    ],
  ])('GITHUB_SERVER_URL %o', (server, identity) => {
    expect(keylessIdentity({ ...WORKFLOW, ...server })).toEqual({
      identity,
      issuer: 'https://token.actions.githubusercontent.com',
    })
  })

  test('outside GitHub Actions there is no identity to verify against', () => {
    expect(() => keylessIdentity({})).toThrow(SigningError)
  })
})

describe('checkKeylessReady', () => {
  test('a key needs no OIDC token', () => {
    expect(checkKeylessReady({ kind: 'uri', uri: 'env://K' }, {})).toBeUndefined()
  })

  test('keyless with the token variables returns the identity', () => {
    expect(checkKeylessReady({ kind: 'keyless' }, { ...OIDC, ...WORKFLOW })?.identity).toBe(
      'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
    )
  })

  test.each([
    [{ ...WORKFLOW }, 'ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set'],
    [
      { ...WORKFLOW, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x' },
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set',
    ],
    [{ ...WORKFLOW, ...OIDC, ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set'],
  ])('keyless without the job token (%o) names the fix', (env, missing) => {
    expect(() => checkKeylessReady({ kind: 'keyless' }, env)).toThrow(SigningError)
    expect(() => checkKeylessReady({ kind: 'keyless' }, env)).toThrow(missing)
    expect(() => checkKeylessReady({ kind: 'keyless' }, env)).toThrow('permissions: id-token: write')
  })
})
