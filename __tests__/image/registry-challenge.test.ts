// Reading WWW-Authenticate challenges as real registries send them, and registry error bodies as they write them.
import { describe, expect, test } from 'vitest'
import { parseChallenge, registryMessage } from '../../src/image/auth.js'

describe('parseChallenge', () => {
  test.each([
    [
      'Docker Hub',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ],
    [
      'a scope with several actions, whose comma is inside the quotes',
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull,push"',
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:org/app:pull,push' },
      },
    ],
    [
      'ECR’s Basic challenge',
      'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
      {
        scheme: 'basic',
        params: { realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' },
      },
    ],
    ['distribution’s htpasswd', 'Basic realm="vouch-test"', { scheme: 'basic', params: { realm: 'vouch-test' } }],
    [
      'unquoted values, spaces and upper-case names',
      'BEARER Realm=https://auth.example.com/token, Service=registry',
      { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry' } },
    ],
  ])('%s', (_case, header, challenge) => {
    expect(parseChallenge(header)).toEqual(challenge)
  })

  test.each([null, '', '   '])('no challenge in %j', (header) => {
    expect(parseChallenge(header)).toBeUndefined()
  })
})

describe('registryMessage', () => {
  test.each([
    [
      'distribution errors, with their detail',
      '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"absent"}}]}',
      'MANIFEST_UNKNOWN: manifest unknown {"Tag":"absent"}',
    ],
    [
      'several errors',
      '{"errors":[{"code":"DENIED","message":"denied"},{"code":"UNAUTHORIZED","message":"authentication required"}]}',
      'DENIED: denied; UNAUTHORIZED: authentication required',
    ],
    ['Docker Hub’s token service', '{"details":"incorrect username or password"}', 'incorrect username or password'],
    ['a JSON body with nothing to say', '{"ok":false}', ''],
    ['plain text', 'upstream connect error\r\n', 'upstream connect error'],
  ])('%s', (_case, body, message) => {
    expect(registryMessage(body)).toBe(message)
  })

  test('a long body is cut to 300 characters', () => {
    expect(registryMessage('x'.repeat(1000))).toBe(`${'x'.repeat(300)}…`)
  })
})
