// Basic auth against a real registry behind htpasswd: credentials from the inputs or from a docker config file,
// and 401 messages that say which credentials were tried without ever showing the password.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { RegistryError } from '../../src/errors.js'
import type { Digest, ImageReference } from '../../src/image/reference.js'
import { forgetTokens, readDockerConfig, resolveDigest } from '../../src/image/registry.js'
import { pushImage, type PushedManifest } from '../support/push.js'
import { startRegistry, type StartedRegistry } from '../support/registry.js'
import { rejection } from '../support/rejection.js'

const credentials = { username: 'ci-bot', password: 'S3cret:with-colon' }
const wrong = { username: 'ci-bot', password: 'not-the-password' }

let registry: StartedRegistry
let pushed: PushedManifest
let configDirectory: string
beforeAll(async () => {
  registry = await startRegistry({ htpasswd: credentials })
  pushed = await pushImage(registry.host, 'private/app', '1.0', { credentials })
  configDirectory = await mkdtemp(path.join(os.tmpdir(), 'vouch-docker-config-'))
})
afterAll(async () => {
  await registry?.stop()
  if (configDirectory) await rm(configDirectory, { recursive: true, force: true })
})
beforeEach(() => forgetTokens())

const image = (): ImageReference => ({ registry: registry.host, repository: 'private/app', tag: '1.0' })

async function dockerConfigWith(auths: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  await writeFile(path.join(configDirectory, 'config.json'), JSON.stringify({ auths, ...extra }))
  return readDockerConfig({ DOCKER_CONFIG: configDirectory }, '/nonexistent-home')
}

const base64 = (text: string): string => Buffer.from(text).toString('base64')

describe('with the right credentials', () => {
  test('from the inputs, the tag resolves', async () => {
    expect((await resolveDigest(image(), { credentials })).digest).toBe(pushed.digest)
  })

  test.each([
    [
      'a plain host key and an auth field',
      (host: string) => ({ [host]: { auth: base64('ci-bot:S3cret:with-colon') } }),
    ],
    [
      'an http:// key and an auth field',
      (host: string) => ({ [`http://${host}`]: { auth: base64('ci-bot:S3cret:with-colon') } }),
    ],
    [
      'an https:// key with a path',
      (host: string) => ({ [`https://${host}/v2/`]: { auth: base64('ci-bot:S3cret:with-colon') } }),
    ],
    [
      'username and password fields',
      (host: string) => ({ [host]: { username: 'ci-bot', password: 'S3cret:with-colon' } }),
    ],
  ])('from a docker config file with %s, the tag resolves', async (_case, auths) => {
    const dockerConfig = await dockerConfigWith(auths(registry.host), { credsStore: 'desktop' })
    expect((await resolveDigest(image(), { dockerConfig })).digest).toBe(pushed.digest)
  })

  test('the inputs win over a docker config entry for the same registry', async () => {
    const dockerConfig = await dockerConfigWith({ [registry.host]: { auth: base64('ci-bot:not-the-password') } })
    expect((await resolveDigest(image(), { credentials, dockerConfig })).digest).toBe(pushed.digest)
  })
})

describe('a 401 names the credentials tried, never the password', () => {
  test('wrong inputs', async () => {
    const error = await rejection(resolveDigest(image(), { credentials: wrong }), RegistryError)
    expect(error.status).toBe(401)
    expect(error.message).toContain(`Could not resolve ${registry.host}/private/app:1.0`)
    expect(error.message).toContain('UNAUTHORIZED: authentication required')
    expect(error.message).toContain('tried the registry-username/registry-password inputs (user ci-bot)')
    expect(error.message).not.toContain(wrong.password)
    expect(error.message).not.toContain(base64(`${wrong.username}:${wrong.password}`))
  })

  test('a wrong docker config entry, named with its file', async () => {
    const dockerConfig = await dockerConfigWith({ [registry.host]: { auth: base64('ci-bot:not-the-password') } })
    const error = await rejection(resolveDigest(image(), { dockerConfig }), RegistryError)
    expect(error.status).toBe(401)
    expect(error.message).toContain(
      `tried the docker config entry for ${registry.host} in ${path.join(configDirectory, 'config.json')} (user ci-bot)`,
    )
    expect(error.message).not.toContain('not-the-password')
  })

  test('no credentials at all: a docker config without an entry for this registry', async () => {
    const dockerConfig = await dockerConfigWith({ 'ghcr.io': { auth: base64('someone:else') } })
    const error = await rejection(resolveDigest(image(), { dockerConfig }), RegistryError)
    expect(error.status).toBe(401)
    expect(error.message).toContain(
      `tried anonymously: no registry-username/registry-password inputs and no docker config entry for ${registry.host}`,
    )
  })
})

test('a digest reference is checked through the same authentication', async () => {
  const resolved = await resolveDigest({ ...image(), digest: pushed.digest as Digest }, { credentials })
  expect(resolved).toEqual({ digest: pushed.digest, mediaType: pushed.mediaType })
})
