import { describe, expect, test } from 'vitest'
import { ScanError } from '../../src/errors.js'
import { type ScanArgsOptions, commandLine, reportFileName, scanArgs, versionArgs } from '../../src/trivy/args.js'

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
  '--image-src',
  'remote',
]

describe('scanArgs', () => {
  test.each<[string, Partial<ScanArgsOptions>, string[]]>([
    ['a single-platform image', {}, [...common('/out/trivy.json'), IMAGE]],
    [
      'one image of an index: by its own digest, never --platform',
      {
        image: `registry.example.com/team/app@sha256:${'1'.repeat(64)}`,
        outputFile: `/out/trivy-${'1'.repeat(64)}.json`,
      },
      [...common(`/out/trivy-${'1'.repeat(64)}.json`), `registry.example.com/team/app@sha256:${'1'.repeat(64)}`],
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
        vex: ['/v.json'],
        insecure: true,
        skipDbUpdate: true,
        image: `127.0.0.1:5000/app@${DIGEST}`,
      },
      [
        ...common('/out/trivy.json'),
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
    const args = scanArgs({ ...base, vex: ['/v.json'], insecure: true, skipDbUpdate: true })
    for (const flag of [
      '--severity',
      '--ignore-unfixed',
      '--ignorefile',
      '--exit-code',
      '--ignore-status',
      '--platform',
    ]) {
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

describe('helpers', () => {
  test('versionArgs asks for JSON and reads the DB metadata from the same cache', () => {
    expect(versionArgs('/cache/trivy')).toEqual(['--version', '--format', 'json', '--cache-dir', '/cache/trivy'])
  })

  test('a report file is named by the digest scanned, so no two images share one', () => {
    expect(reportFileName(DIGEST)).toBe(`trivy-${DIGEST.slice('sha256:'.length)}.json`)
    expect(reportFileName(`sha256:${'a'.repeat(64)}`)).not.toBe(reportFileName(`sha256:${'b'.repeat(64)}`))
  })

  test.each(['linux/arm/v7', '../etc/passwd', 'sha256:abc'])('refuses to name a report for %j', (digest) => {
    expect(() => reportFileName(digest)).toThrow(ScanError)
  })

  test('commandLine escapes what would start a workflow command on a line of its own', () => {
    const line = commandLine('/opt/trivy', ['--vex', '/work/a\n::error::forged.json', IMAGE])
    expect(line).not.toMatch(/[\n\r]/)
    expect(line).toContain('\\n::error::forged.json')
  })

  test('commandLine quotes what a shell would split', () => {
    expect(commandLine('/opt/trivy', ['--vex', '/work/my vex.json', "it's", IMAGE])).toBe(
      `/opt/trivy --vex '/work/my vex.json' 'it'\\''s' ${IMAGE}`,
    )
  })
})
