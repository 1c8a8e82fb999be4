import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import {
  type ScanArgsOptions,
  commandLine,
  reportFileName,
  scanArgs,
  scanEnv,
  versionArgs,
} from '../../src/trivy/args.js'

const DIGEST = 'sha256:2b5f6c4a2ad8d5c1c1bb2b6f0b6bbf7c3b3d5a1fba0e7f0fcd4b8a0e4f6a9d11'
const IMAGE = `registry.example.com/team/app@${DIGEST}`
const base: ScanArgsOptions = {
  image: IMAGE,
  outputFile: '/out/trivy.json',
  dbRepositories: ['mirror.gcr.io/aquasec/trivy-db:2'],
  cacheDir: '/cache/trivy',
  timeoutSeconds: 600,
  vex: [],
  insecure: false,
}
const common = (output: string, dbRepository = 'mirror.gcr.io/aquasec/trivy-db:2') => [
  'image',
  '--format',
  'json',
  '--output',
  output,
  '--scanners',
  'vuln',
  '--db-repository',
  dbRepository,
  '--cache-dir',
  '/cache/trivy',
  '--timeout',
  '600s',
]

describe('scanArgs', () => {
  test.each<[string, Partial<ScanArgsOptions>, string[]]>([
    ['a single-platform image', {}, [...common('/out/trivy.json'), IMAGE]],
    [
      'one platform of an index',
      { platform: 'linux/arm64', outputFile: '/out/trivy-linux-arm64.json' },
      [...common('/out/trivy-linux-arm64.json'), '--platform', 'linux/arm64', IMAGE],
    ],
    [
      'several VEX documents, one flag each, in the order given',
      { vex: ['/work/vex/app.openvex.json', '/work/vex/base image.cdx.json'] },
      [
        ...common('/out/trivy.json'),
        '--vex',
        '/work/vex/app.openvex.json',
        '--vex',
        '/work/vex/base image.cdx.json',
        IMAGE,
      ],
    ],
    ['a loopback registry over plain HTTP', { insecure: true }, [...common('/out/trivy.json'), '--insecure', IMAGE]],
    [
      'a later platform, or the cached-DB fallback',
      { skipDbUpdate: true },
      [...common('/out/trivy.json'), '--skip-db-update', IMAGE],
    ],
    [
      'several DB repositories, as one comma list in priority order',
      { dbRepositories: ['registry.internal/trivy-db:2', 'public.ecr.aws/aquasecurity/trivy-db:2'] },
      [...common('/out/trivy.json', 'registry.internal/trivy-db:2,public.ecr.aws/aquasecurity/trivy-db:2'), IMAGE],
    ],
    [
      'everything at once, flags before the image',
      {
        platform: 'linux/arm/v7',
        vex: ['/v.json'],
        insecure: true,
        skipDbUpdate: true,
        image: `127.0.0.1:5000/app@${DIGEST}`,
      },
      [
        ...common('/out/trivy.json'),
        '--platform',
        'linux/arm/v7',
        '--vex',
        '/v.json',
        '--insecure',
        '--skip-db-update',
        `127.0.0.1:5000/app@${DIGEST}`,
      ],
    ],
  ])('%s', (_case, options, expected) => {
    expect(scanArgs({ ...base, ...options })).toEqual(expected)
  })

  test.each([
    ['a tag', 'registry.example.com/team/app:1.2.3'],
    ['no tag at all', 'registry.example.com/team/app'],
    ['a short digest', 'registry.example.com/team/app@sha256:2b5f'],
    ['a tag and a truncated digest', 'registry.example.com/team/app:1.2@sha256:abc'],
  ])('refuses %s: Trivy is only ever given a digest', (_case, image) => {
    expect(() => scanArgs({ ...base, image })).toThrow(ScanError)
  })

  test('never passes the flags with which Trivy would decide instead of vouch', () => {
    const args = scanArgs({ ...base, vex: ['/v.json'], platform: 'linux/amd64', insecure: true })
    for (const flag of ['--severity', '--ignore-unfixed', '--ignorefile', '--exit-code', '--ignore-status']) {
      expect(args).not.toContain(flag)
    }
  })

  test.each([0, -5, 1.5, Number.NaN])('refuses a timeout of %s seconds', (timeoutSeconds) => {
    expect(() => scanArgs({ ...base, timeoutSeconds })).toThrow(ScanError)
  })

  test('refuses an empty DB repository list', () => {
    expect(() => scanArgs({ ...base, dbRepositories: [] })).toThrow(ScanError)
  })
})

describe('scanEnv', () => {
  const dockerConfigDir = '/home/runner/work/_temp/vouch-docker-config-AbC123'

  test('hands Trivy the docker config of vouch, never the credentials as TRIVY_USERNAME/TRIVY_PASSWORD', () => {
    expect(scanEnv(dockerConfigDir)).toEqual({ DOCKER_CONFIG: dockerConfigDir })
  })

  test('adds nothing without a docker config and without an inherited environment', () => {
    expect(scanEnv()).toEqual({})
  })

  test('blanks inherited TRIVY_* settings that would filter the report, keeps harmless ones and the rest', () => {
    const inherited = {
      TRIVY_SEVERITY: 'CRITICAL',
      TRIVY_IGNORE_UNFIXED: 'true',
      TRIVY_IGNOREFILE: '.trivyignore',
      TRIVY_SERVER: 'http://trivy.internal:4954',
      TRIVY_PLATFORM: 'linux/amd64',
      TRIVY_SKIP_DB_UPDATE: 'true',
      TRIVY_NO_PROGRESS: 'true',
      TRIVY_JAVA_DB_REPOSITORY: 'registry.internal/trivy-java-db:1',
      HTTPS_PROXY: 'http://proxy:3128',
      DOCKER_CONFIG: '/home/runner/.docker',
      PATH: '/usr/bin',
    }
    expect(scanEnv(undefined, inherited)).toEqual({
      TRIVY_SEVERITY: '',
      TRIVY_IGNORE_UNFIXED: '',
      TRIVY_IGNOREFILE: '',
      TRIVY_SERVER: '',
      TRIVY_PLATFORM: '',
      TRIVY_SKIP_DB_UPDATE: '',
    })
  })

  test('withholds inherited COSIGN_* settings, which Trivy has no use for, with or without a docker config', () => {
    const inherited = { COSIGN_PASSWORD: 'workflow-secret', COSIGN_EXPERIMENTAL: '1', COSIGNAL: 'kept' }
    expect(scanEnv(undefined, inherited)).toEqual({ COSIGN_PASSWORD: '', COSIGN_EXPERIMENTAL: '' })
    expect(scanEnv(dockerConfigDir, inherited)).toEqual({
      COSIGN_PASSWORD: '',
      COSIGN_EXPERIMENTAL: '',
      DOCKER_CONFIG: dockerConfigDir,
    })
  })

  test('keeps the runner’s own Trivy credentials unless vouch hands Trivy its docker config', () => {
    const inherited = { TRIVY_USERNAME: 'runner', TRIVY_PASSWORD: 'runner-pass', TRIVY_REGISTRY_TOKEN: 't' }
    expect(scanEnv(undefined, inherited)).toEqual({})
    expect(scanEnv(dockerConfigDir, inherited)).toEqual({
      TRIVY_USERNAME: '',
      TRIVY_PASSWORD: '',
      TRIVY_REGISTRY_TOKEN: '',
      DOCKER_CONFIG: dockerConfigDir,
    })
  })
})

describe('helpers', () => {
  test('versionArgs asks for JSON and reads the DB metadata from the same cache', () => {
    expect(versionArgs('/cache/trivy')).toEqual(['--version', '--format', 'json', '--cache-dir', '/cache/trivy'])
  })

  test.each([
    [undefined, 'trivy.json'],
    ['linux/amd64', 'trivy-linux-amd64.json'],
    ['linux/arm/v7', 'trivy-linux-arm-v7.json'],
  ])('the report for platform %s is %s', (platform, name) => {
    expect(reportFileName(platform)).toBe(name)
  })

  test('commandLine quotes what a shell would split', () => {
    expect(commandLine('/opt/trivy', ['--vex', '/work/my vex.json', "it's", IMAGE])).toBe(
      `/opt/trivy --vex '/work/my vex.json' 'it'\\''s' ${IMAGE}`,
    )
  })
})
