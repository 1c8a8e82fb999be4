// Reading the runner's docker config: where it is found, the key forms docker login writes, and what is ignored.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dockerConfigCredentials, parseDockerConfig, registryOfKey } from '../../src/image/docker-config.js'
import { readDockerConfig } from '../../src/image/registry.js'

const base64 = (text: string): string => Buffer.from(text).toString('base64')

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'vouch-docker-config-'))
})
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

async function configIn(directory: string, content: string): Promise<string> {
  await mkdir(directory, { recursive: true })
  await writeFile(path.join(directory, 'config.json'), content)
  return directory
}

describe('registryOfKey', () => {
  test.each([
    ['ghcr.io', 'ghcr.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['https://ghcr.io/v2/', 'ghcr.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['Registry.Example.com:443', 'registry.example.com:443'],
  ])('%s → %s', (key, registry) => {
    expect(registryOfKey(key)).toBe(registry)
  })
})

describe('parseDockerConfig', () => {
  test('reads the auth field, whose password may contain colons, and the username/password fields', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: base64('hub-user:pa:ss') },
          'ghcr.io': { username: 'gh-user', password: 'ghp_token' },
        },
      }),
    )
    expect(dockerConfigCredentials(config, 'docker.io')).toEqual({ username: 'hub-user', password: 'pa:ss' })
    expect(dockerConfigCredentials(config, 'ghcr.io')).toEqual({ username: 'gh-user', password: 'ghp_token' })
    expect(dockerConfigCredentials(config, 'quay.io')).toBeUndefined()
  })

  test('a plain host key wins over a URL key for the same registry, whatever their order', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: { 'ghcr.io': { auth: base64('plain:1') }, 'https://ghcr.io': { auth: base64('url:2') } },
      }),
    )
    expect(dockerConfigCredentials(config, 'ghcr.io')?.username).toBe('plain')
  })

  test.each([
    ['an empty entry, as credsStore leaves', {}],
    ['an auth without a colon', { auth: base64('no-colon') }],
    ['an identity token only', { identitytoken: 'eyJ…' }],
    ['a username without a password', { username: 'someone' }],
  ])('skips %s', (_case, entry) => {
    const config = parseDockerConfig(JSON.stringify({ auths: { 'ghcr.io': entry }, credsStore: 'desktop' }))
    expect(config.auths).toEqual({})
  })

  test.each(['[]', '"text"', 'null', '{not json'])('throws on %s', (text) => {
    expect(() => parseDockerConfig(text)).toThrow()
  })
})

describe('readDockerConfig', () => {
  test('reads $DOCKER_CONFIG/config.json and says where it came from', async () => {
    const directory = await configIn(
      path.join(scratch, 'env'),
      JSON.stringify({ auths: { 'ghcr.io': { auth: base64('a:b') } } }),
    )
    const config = await readDockerConfig({ DOCKER_CONFIG: directory }, path.join(scratch, 'no-home'))
    expect(config).toEqual({
      path: path.join(directory, 'config.json'),
      auths: { 'ghcr.io': { username: 'a', password: 'b' } },
    })
  })

  test('falls back to ~/.docker/config.json when DOCKER_CONFIG is unset or empty', async () => {
    const home = path.join(scratch, 'home')
    await configIn(path.join(home, '.docker'), JSON.stringify({ auths: { 'quay.io': { auth: base64('q:r') } } }))
    for (const env of [{}, { DOCKER_CONFIG: '' }]) {
      const config = await readDockerConfig(env, home)
      expect(config?.auths).toEqual({ 'quay.io': { username: 'q', password: 'r' } })
    }
  })

  test('no file is no config', async () => {
    expect(await readDockerConfig({ DOCKER_CONFIG: path.join(scratch, 'absent') }, scratch)).toBeUndefined()
  })

  test('a file that is not JSON is ignored rather than failing the run', async () => {
    const directory = await configIn(path.join(scratch, 'broken'), '{"auths": ')
    expect(await readDockerConfig({ DOCKER_CONFIG: directory }, scratch)).toBeUndefined()
  })
})
