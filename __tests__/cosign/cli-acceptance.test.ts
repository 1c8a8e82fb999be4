// Every argument array vouch builds for cosign and Trivy, held against the flag tables the stand-ins take from the
// real tools' sources (cosign options/*.go per release, trivy pkg/flag at v0.74.0), parsed as pflag parses: where the
// real tool would refuse a flag, a value or an annotation, this fails in the fast tier.
import { describe, expect, test } from 'vitest'
import { signedAnnotations } from '../../src/cluster/annotations.js'
import {
  attestArgs,
  publicKeyArgs,
  signArgs,
  treeArgs,
  verifyArgs,
  verifyAttestationArgs,
  type Verifier,
} from '../../src/cosign/args.js'
import type { SignatureFormat } from '../../src/cosign/args.js'
import type { CosignKey } from '../../src/cosign/keys.js'
import { pinnedVersions } from '../../src/tools/checksums.js'
import { identityArgs } from '../../src/tools/identity.js'
import { scanArgs, versionArgs } from '../../src/trivy/args.js'
import { cosignFlagTable } from '../fakes/cosign-flags.mjs'
import { posixArgs } from '../fakes/cosign-commands.mjs'
import { parseFlags } from '../fakes/pflag.mjs'
import { TRIVY_FLAGS } from '../fakes/trivy-flags.mjs'
import { DB_REPOSITORIES } from '../trivy/scripted-trivy.js'

const DIGEST = `sha256:${'5e'.repeat(32)}`
const KEYS: Record<string, CosignKey> = {
  key: {
    kind: 'pem',
    pem: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nx\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
  },
  KMS: { kind: 'uri', uri: 'gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k' },
  keyless: { kind: 'keyless' },
}
const VERIFIERS: Record<string, Verifier> = {
  key: { kind: 'public-key' },
  KMS: { kind: 'public-key' },
  keyless: {
    kind: 'keyless',
    identity: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
  },
}
const ANNOTATIONS = signedAnnotations({
  annotationKey: 'security.example.com/scan-status',
  budgets: { CRITICAL: 0, HIGH: 3, MEDIUM: null, LOW: null, UNKNOWN: null },
  trivyVersion: 'v0.74.0',
  extra: [
    ['team.example.com/owner', 'payments'],
    ['build', 'refs/heads/release-1.4 #1'],
  ],
})

interface Case {
  name: string
  cosignVersion: string
  format: SignatureFormat
  key: string
  tlogUpload: boolean
  index: boolean
}

// Every pinned cosign release; the bundle format only where vouch allows it (v3.0.3 and later).
const cases: Case[] = pinnedVersions('cosign').flatMap((cosignVersion) =>
  (['legacy', 'bundle'] as const)
    .filter((format) => format === 'legacy' || /^v3\.(?:0\.(?:[3-9]|\d\d)|[1-9])/.test(cosignVersion))
    .flatMap((format) =>
      Object.keys(KEYS).flatMap((key) =>
        [true, false].flatMap((tlogUpload) =>
          [false, true].map((index) => ({
            name: `${cosignVersion} ${format} ${key} tlog ${tlogUpload ? 'on' : 'off'} ${index ? 'index' : 'image'}`,
            cosignVersion,
            format,
            key,
            tlogUpload,
            index,
          })),
        ),
      ),
    ),
)

/** What cosign's command line makes of `args`: main()'s rewrite, then cobra/pflag with the release's table. */
function cosignParse(cosignVersion: string, args: string[]) {
  const warnings: string[] = []
  const [command = '', ...rest] = posixArgs(args, { write: (text: string) => warnings.push(text) })
  const parsed = parseFlags(rest, cosignFlagTable(command, cosignVersion))
  return { command, ...parsed, notices: [...warnings, ...parsed.notices] }
}

function arrays(c: Case): string[][] {
  const image = `${c.index ? 'registry.example.com/team/multi' : 'localhost:5000/team/app'}@${DIGEST}`
  const common = {
    image,
    format: c.format,
    tlogUpload: c.tlogUpload,
    cosignVersion: c.cosignVersion,
    insecureRegistry: image.startsWith('localhost'),
  }
  const key = KEYS[c.key]!
  const verifier = VERIFIERS[c.key]!
  return [
    signArgs({ ...common, key, annotations: ANNOTATIONS, recursive: c.index }),
    attestArgs({ ...common, key, predicateFile: '/runner/temp/vouch/vuln-predicate.json' }),
    verifyArgs({ ...common, verifier, annotations: ANNOTATIONS }),
    verifyAttestationArgs({ ...common, verifier }),
    ...(key.kind === 'keyless' ? [] : [publicKeyArgs(key)]),
    ...(c.format === 'bundle' ? [treeArgs(image, common.insecureRegistry)] : []),
  ]
}

test(`the matrix covers every pinned cosign release (${cases.length} cases)`, () => {
  expect(new Set(cases.map((c) => c.cosignVersion))).toEqual(new Set(pinnedVersions('cosign')))
  expect(cases.some((c) => c.format === 'bundle')).toBe(true)
})

describe.each(cases)('$name', (c) => {
  test('every array parses with that release’s flags, the image as the one argument', () => {
    for (const args of arrays(c)) {
      const parsed = cosignParse(c.cosignVersion, args)
      // No argument cosign's main() would rewrite (a single-dash long flag); deprecation notices are fine.
      expect(
        parsed.notices.filter((notice) => notice.startsWith('WARNING')),
        args.join(' '),
      ).toEqual([])
      expect(parsed.positionals, args.join(' ')).toHaveLength(parsed.command === 'public-key' ? 0 : 1)
    }
  })

  test('the signing flags say what cosign will do: this format, the tlog as asked, a config only when allowed', () => {
    for (const args of arrays(c).filter(([command]) => command === 'sign' || command === 'attest')) {
      const { values } = cosignParse(c.cosignVersion, args)
      // A release without --new-bundle-format / --use-signing-config writes the legacy format without a config.
      expect(values.get('new-bundle-format') ?? false).toBe(c.format === 'bundle')
      expect(values.get('tlog-upload')).toBe(c.tlogUpload)
      const signingConfig = values.get('use-signing-config') ?? false
      // cosign 3 signcommon.LoadTrustedMaterialAndSigningConfig refuses both of these.
      if (!c.tlogUpload) expect(signingConfig).toBe(false)
      if (signingConfig) expect(values.get('new-bundle-format')).toBe(true)
      if (args[0] === 'attest') expect(values.get('replace')).toBe(c.format === 'legacy')
      if (args[0] === 'sign') expect(values.get('recursive')).toBe(c.index)
    }
  })

  test('verify reads the format that was written and every signed annotation, as cosign splits them', () => {
    const verify = arrays(c).find(([command]) => command === 'verify')!
    const { values } = cosignParse(c.cosignVersion, verify)
    expect(values.get('new-bundle-format') ?? false).toBe(c.format === 'bundle')
    expect(values.get('insecure-ignore-tlog')).toBe(!c.tlogUpload)
    // options/annotations.go AnnotationsMap: each string-slice item must split on `=` into exactly two parts.
    const items = values.get('annotations') as string[]
    expect(items.map((item) => item.split('='))).toEqual(ANNOTATIONS)
  })
})

describe('the tables refuse what the real cosign refuses', () => {
  test.each([
    ['v2.6.1', ['attest', '--recursive', `r@${DIGEST}`], 'unknown flag: --recursive'],
    ['v2.5.3', ['sign', '--use-signing-config=false', `r@${DIGEST}`], 'unknown flag: --use-signing-config'],
    ['v2.4.1', ['verify', '--new-bundle-format=false', `r@${DIGEST}`], 'unknown flag: --new-bundle-format'],
    ['v3.0.6', ['sign', '-a=k=v', `r@${DIGEST}`], 'unknown flag: --a'],
    ['v3.0.6', ['sign', '-a', 'k="v"', `r@${DIGEST}`], 'parse error on line 1, column 3: bare " in non-quoted-field'],
  ])('cosign %s %j', (cosignVersion, args, message) => {
    expect(() => cosignParse(cosignVersion, args)).toThrow(message)
  })

  test('a comma in an annotation becomes a second item that cosign cannot split', () => {
    const { values } = cosignParse('v3.0.6', ['sign', '-a', 'owner=team-a,team-b', `r@${DIGEST}`])
    expect(values.get('annotations')).toEqual(['owner=team-a', 'team-b'])
  })
})

describe('trivy v0.74.0', () => {
  const scan = (over: Partial<Parameters<typeof scanArgs>[0]>) =>
    scanArgs({
      image: `localhost:5000/team/app@${DIGEST}`,
      outputFile: '/runner/temp/vouch/trivy.json',
      dbRepositories: DB_REPOSITORIES,
      cacheDir: '/runner/cache/trivy',
      timeoutSeconds: 600,
      vex: [],
      insecure: false,
      ...over,
    })

  test.each([
    ['a single image', {}],
    ['one platform of an index, from cache', { platform: 'linux/arm/v7', skipDbUpdate: true }],
    ['VEX files and a loopback registry', { vex: ['vex/a.json', 'repo'], insecure: true }],
  ])('image scan: %s', (_name, over) => {
    const [command, ...rest] = scan(over)
    expect(command).toBe('image')
    const { values, positionals } = parseFlags(rest, TRIVY_FLAGS.image)
    expect(positionals).toEqual([`localhost:5000/team/app@${DIGEST}`])
    expect(values.get('format')).toBe('json')
    expect(values.get('timeout')).toBe(600_000)
    expect(values.get('scanners')).toEqual(['vuln'])
    expect(values.get('db-repository')).toEqual(DB_REPOSITORIES)
    expect(values.get('vex')).toEqual((over as { vex?: string[] }).vex ?? [])
  })

  test('a VEX path holding a comma would be split by Trivy’s string slice', () => {
    const { values } = parseFlags(scan({ vex: ['a,b.json'] }).slice(1), TRIVY_FLAGS.image)
    expect(values.get('vex')).toEqual(['a', 'b.json'])
  })

  test('the identity checks vouch runs parse as the real CLIs do: trivy --version, cosign version', () => {
    expect(parseFlags(identityArgs('trivy'), TRIVY_FLAGS.root).values.get('version')).toBe(true)
    const [command, ...rest] = identityArgs('cosign')
    for (const release of pinnedVersions('cosign')) {
      expect(command).toBe('version')
      expect(parseFlags(rest, cosignFlagTable('version', release)).positionals).toEqual([])
    }
  })

  test('--version --format json --cache-dir parses on the root command', () => {
    const { values, positionals } = parseFlags(versionArgs('/runner/cache/trivy'), TRIVY_FLAGS.root)
    expect(positionals).toEqual([])
    expect([values.get('version'), values.get('format'), values.get('cache-dir')]).toEqual([
      true,
      'json',
      '/runner/cache/trivy',
    ])
  })
})
