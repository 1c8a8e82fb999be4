// Registry credentials reach Trivy as a docker config that names the image's registry alone (Trivy would present
// TRIVY_USERNAME/TRIVY_PASSWORD to the DB mirrors too), and that config is gone once the scan ends, however it ends.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, expect, test, vi } from 'vitest'
import type { Exec } from '../../src/exec.js'
import { ScanFailure, type TrivyScanOptions, runTrivyScan } from '../../src/trivy/run.js'
import {
  OK,
  PANIC,
  type Step,
  hoursAfterBuild,
  scriptedTrivy,
  useScanWorkspace,
  child,
  scanOptions,
} from './scripted-trivy.js'

const credentials = { username: 'robot', password: 'pa55,w0rd' }
const scope = useScanWorkspace()
afterEach(() => {
  vi.unstubAllEnvs()
})

interface Seen {
  dockerConfig: string | undefined
  /** `$DOCKER_CONFIG/config.json` as Trivy found it, parsed. */
  config: unknown
}

/** The scripted Trivy, also reading the docker config it was pointed to while it runs. */
function scan(steps: Step[], overrides: Partial<TrivyScanOptions> = {}) {
  const trivy = scriptedTrivy(steps)
  const seen: Seen[] = []
  const exec: Exec = async (command, args, options = {}) => {
    const dockerConfig = options.env?.DOCKER_CONFIG
    const config =
      dockerConfig === undefined
        ? undefined
        : await readFile(join(dockerConfig, 'config.json'), 'utf8').then(JSON.parse, () => undefined)
    seen.push({ dockerConfig, config })
    return trivy.exec(command, args, options)
  }
  const result = runTrivyScan(
    scanOptions(scope.dirs, {
      trivyPath: '/opt/hostedtoolcache/trivy/0.74.0/x64/trivy',
      runnerTemp: scope.dirs.root,
      exec,
      now: () => hoursAfterBuild(30),
      ...overrides,
    }),
  )
  return { result, seen, calls: trivy.calls }
}

const leftConfigs = async () => (await readdir(scope.dirs.root)).filter((name) => name.includes('docker-config'))
const basic = (username: string, password: string) => Buffer.from(`${username}:${password}`).toString('base64')

test.each([
  ['a loopback registry', '127.0.0.1:5000', '127.0.0.1:5000'],
  ['a registry off loopback', 'ghcr.io', 'ghcr.io'],
  ['Docker Hub, under docker login’s historical key', 'docker.io', 'https://index.docker.io/v1/'],
])('%s: the config holds one entry, for the image’s registry, and is gone afterwards', async (_, registry, key) => {
  const { result, seen } = scan([OK, OK], {
    images: [child('linux/amd64', '1'), child('linux/arm64', '2')],
    registryLogin: { registry, credentials },
  })
  await result
  expect(seen).toHaveLength(2)
  // One config for the whole scan, under RUNNER_TEMP; a comma in the password survives, unlike in TRIVY_PASSWORD.
  expect(new Set(seen.map((entry) => entry.dockerConfig)).size).toBe(1)
  expect(seen[0]?.dockerConfig?.startsWith(join(scope.dirs.root, 'vouch-docker-config-'))).toBe(true)
  for (const { config } of seen) {
    expect(config).toEqual({ auths: { [key]: { auth: basic('robot', 'pa55,w0rd') } } })
  }
  expect(await leftConfigs()).toEqual([])
})

test('the config is removed when Trivy fails', async () => {
  const { result, seen } = scan([{ exitCode: 2, stderr: PANIC }], {
    registryLogin: { registry: '127.0.0.1:5000', credentials },
  })
  await expect(result).rejects.toThrow(ScanFailure)
  expect(seen[0]?.config).toEqual({ auths: { '127.0.0.1:5000': { auth: basic('robot', 'pa55,w0rd') } } })
  expect(await leftConfigs()).toEqual([])
})

test('the config is removed when Trivy cannot even be started', async () => {
  const exec: Exec = async () => {
    throw new Error('spawn EACCES')
  }
  const { result } = scan([], { exec, registryLogin: { registry: '127.0.0.1:5000', credentials } })
  await expect(result).rejects.toThrow(/Could not run Trivy/)
  expect(await leftConfigs()).toEqual([])
})

test('an inherited TRIVY_USERNAME/TRIVY_PASSWORD is left out when vouch hands Trivy its own config', async () => {
  vi.stubEnv('TRIVY_USERNAME', 'runner')
  vi.stubEnv('TRIVY_PASSWORD', 'runner-pass')
  const { result, calls } = scan([OK], { registryLogin: { registry: '127.0.0.1:5000', credentials } })
  await result
  expect(calls[0]?.options.replaceEnv).toBe(true)
  expect(calls[0]?.options.env).not.toHaveProperty('TRIVY_USERNAME')
  expect(calls[0]?.options.env).not.toHaveProperty('TRIVY_PASSWORD')
})

test('without credentials Trivy gets no config of vouch’s and keeps the runner’s own', async () => {
  vi.stubEnv('DOCKER_CONFIG', '/home/runner/.docker')
  const { result, seen, calls } = scan([OK])
  await result
  expect(seen[0]?.dockerConfig).toBe('/home/runner/.docker')
  expect(calls[0]?.options.env?.DOCKER_CONFIG).toBe('/home/runner/.docker')
  expect(await leftConfigs()).toEqual([])
})
