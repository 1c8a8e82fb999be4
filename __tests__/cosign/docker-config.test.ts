import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { dockerConfigJson, withDockerConfig } from '../../src/image/docker-config.js'

let runnerTemp: string
beforeEach(async () => {
  runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'vouch-cosign-dc-'))
})
afterEach(async () => {
  await rm(runnerTemp, { recursive: true, force: true })
})

const CREDENTIALS = { username: 'ci-bot', password: 'REGISTRY-SECRET-MARKER:with:colons' }

describe('withDockerConfig', () => {
  test('writes auths with base64 user:password in a private folder, hands it over, then removes it', async () => {
    let seen: { dir: string; config: unknown; dirMode: number; fileMode: number } | undefined
    const answer = await withDockerConfig(CREDENTIALS, 'localhost:5000', runnerTemp, async (dir) => {
      const file = path.join(dir!, 'config.json')
      seen = {
        dir: dir!,
        config: JSON.parse(await readFile(file, 'utf8')),
        dirMode: (await stat(dir!)).mode & 0o777,
        fileMode: (await stat(file)).mode & 0o777,
      }
      return 42
    })
    expect(answer).toBe(42)
    expect(path.dirname(seen!.dir)).toBe(runnerTemp)
    expect(seen!.config).toEqual({
      auths: { 'localhost:5000': { auth: Buffer.from(`ci-bot:${CREDENTIALS.password}`).toString('base64') } },
    })
    expect(seen!.dirMode).toBe(0o700)
    expect(seen!.fileMode).toBe(0o600)
    expect(await readdir(runnerTemp)).toEqual([])
  })

  test('removes the folder when the work throws, and passes the error on', async () => {
    await expect(
      withDockerConfig(CREDENTIALS, 'ghcr.io', runnerTemp, async () => {
        throw new Error('cosign exploded')
      }),
    ).rejects.toThrow('cosign exploded')
    expect(await readdir(runnerTemp)).toEqual([])
  })

  test('without credentials writes nothing and hands over no folder', async () => {
    const dir = await withDockerConfig(undefined, 'ghcr.io', runnerTemp, async (d) => d)
    expect(dir).toBeUndefined()
    expect(await readdir(runnerTemp)).toEqual([])
  })

  test.each([
    ['docker.io', 'https://index.docker.io/v1/'],
    ['ghcr.io', 'ghcr.io'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%s is stored under the key go-containerregistry looks up (%s)', (registry, key) => {
    expect(Object.keys(JSON.parse(dockerConfigJson(CREDENTIALS, registry)).auths)).toEqual([key])
  })
})
