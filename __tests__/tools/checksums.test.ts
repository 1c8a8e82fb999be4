import { describe, expect, test } from 'vitest'
import { InputError, IntegrityError } from '../../src/errors.js'
import { readInputs } from '../../src/inputs.js'
import { inputReader } from '../inputs/reader.js'
import type { RunnerPlatform, ToolName } from '../../src/tools/assets.js'
import {
  assertHashAllowed,
  assertVersionAllowed,
  expectedSha256,
  pinnedSha256,
  REFUSED_VERSIONS,
} from '../../src/tools/checksums.js'

const LINUX: RunnerPlatform = { os: 'linux', arch: 'amd64' }
const MALICIOUS = '0376b98064636c30f5fbe60fb3b1225516e23e88dd7e909937f81d9265292e7d'
const TRIVY_0740_LINUX = '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a'
const COSIGN_306_LINUX = 'c956e5dfcac53d52bcf058360d579472f0c1d2d9b69f55209e256fe7783f4c74'
const SOME_HASH = 'ab'.repeat(32)
describe('refused releases', () => {
  // A pre-release or build suffix names the same release line: v0.69.4-rc.1 is the compromised v0.69.4.
  const SPELLINGS = ['v0.69.4', 'v0.69.5', 'v0.69.6', 'v0.69.4-rc.1', 'v0.69.5-x', 'v0.69.6+build.7', 'v0.69.4-0']

  test.each(SPELLINGS)(
    'trivy %s is refused without a hash, with any hash, with the pin of a good release',
    (version) => {
      for (const sha256 of [undefined, SOME_HASH, TRIVY_0740_LINUX]) {
        const expected = (): string => expectedSha256('trivy', { version, ...(sha256 ? { sha256 } : {}) }, LINUX)
        expect(expected).toThrow(IntegrityError)
        expect(expected).toThrow(`trivy ${version} is a compromised release and is refused`)
      }
    },
  )

  test.each(SPELLINGS.filter((version) => !version.includes('+')))(
    'input parsing refuses trivy-version %s from the same list, naming the input',
    async (version) => {
      const read = await inputReader({ image: 'nginx', 'trivy-version': version })
      expect(() => readInputs(read)).toThrow(InputError)
      expect(() => readInputs(read)).toThrow(`\`trivy-version\` is a compromised release and is refused`)
      // The message lists the installer's own list: there is one.
      expect(() => readInputs(read)).toThrow(`(${REFUSED_VERSIONS.trivy.join(', ')})`)
    },
  )

  test.each(['v0.69.3', 'v0.69.7', 'v0.70.0-rc.1', 'v0.6.94', 'v10.69.4'])('trivy %s is not refused', (version) => {
    expect(() => assertVersionAllowed('trivy', version)).not.toThrow()
  })

  test.each([
    ['0376b98064636c30f5fbe60fb3b1225516e23e88dd7e909937f81d9265292e7d', 'windows-64bit.zip'],
    [`385d498d${'0'.repeat(52)}09f6`, 'Linux-64bit.tar.gz (an unconfirmed indicator)'],
    [`385D498D${'F'.repeat(52)}09F6`, 'Linux-64bit.tar.gz'],
  ])('the compromised asset %s is refused wherever its hash comes from', (hash, asset) => {
    expect(() => assertHashAllowed(hash, 'the download')).toThrow(IntegrityError)
    expect(() => assertHashAllowed(hash, 'the download')).toThrow(`malicious Trivy v0.69.4 ${asset}`)
  })

  test.each([`385d498d${'0'.repeat(51)}09f6`, `385d498d${'0'.repeat(52)}09f7`, SOME_HASH])(
    'a hash that only resembles a known-bad one (%s) is not refused',
    (hash) => {
      expect(() => assertHashAllowed(hash, 'the download')).not.toThrow()
    },
  )

  test.each([
    ['trivy', 'v0.74.99'],
    ['trivy', 'v0.74.0'],
    ['cosign', 'v3.0.99'],
    ['cosign', 'v3.0.6'],
  ] as const)('the malicious asset hash is refused as %s-sha256 for %s', (tool, version) => {
    for (const sha256 of [MALICIOUS, MALICIOUS.toUpperCase()]) {
      const expected = (): string => expectedSha256(tool, { version, sha256 }, LINUX)
      expect(expected).toThrow(IntegrityError)
      expect(expected).toThrow(`\`${tool}-sha256\` is the sha256 of the malicious Trivy v0.69.4 windows-64bit.zip`)
    }
  })
})

describe('expectedSha256', () => {
  test.each([
    ['trivy', 'v0.74.0', LINUX, TRIVY_0740_LINUX],
    [
      'trivy',
      'v0.69.3',
      { os: 'windows', arch: 'amd64' },
      '74362dc711383255308230ecbeb587eb1e4e83a8d332be5b0259afac6e0c2224',
    ],
    ['cosign', 'v3.0.6', LINUX, COSIGN_306_LINUX],
    [
      'cosign',
      'v3.0.6',
      { os: 'linux', arch: 's390x' },
      '3cf4b769258ed9cc3c2a93268c0d5c1cc3fbd094af8df21035cbac8fb0d7c088',
    ],
    [
      'cosign',
      'v2.4.1',
      { os: 'darwin', arch: 'arm64' },
      '13343856b69f70388c4fe0b986a31dde5958e444b41be22d785d3dc5e1a9cc62',
    ],
  ] as const)('a pinned %s %s on %j needs no input hash and gets its pin', (tool, version, platform, pin) => {
    expect(expectedSha256(tool, { version }, platform)).toBe(pin)
  })

  test('a user hash equal to the pin is accepted (case does not matter)', () => {
    expect(expectedSha256('trivy', { version: 'v0.74.0', sha256: TRIVY_0740_LINUX.toUpperCase() }, LINUX)).toBe(
      TRIVY_0740_LINUX,
    )
  })

  test.each([
    ['trivy', 'v0.74.0'],
    ['cosign', 'v3.0.6'],
  ] as const)('a user hash that differs from the pin of %s %s is an IntegrityError: the pin wins', (tool, version) => {
    const expected = (): string => expectedSha256(tool, { version, sha256: SOME_HASH }, LINUX)
    expect(expected).toThrow(IntegrityError)
    expect(expected).toThrow(`\`${tool}-sha256\` ${SOME_HASH} differs from the sha256 vouch pins`)
  })

  test.each([
    ['trivy', 'v0.74.99'],
    ['trivy', 'v0.75.0'],
    ['cosign', 'v3.0.99'],
    ['cosign', 'v2.2.4'],
  ] as const)('an unpinned %s %s uses the user hash', (tool, version) => {
    expect(expectedSha256(tool, { version, sha256: SOME_HASH }, LINUX)).toBe(SOME_HASH)
  })

  test.each([
    ['trivy', 'v0.75.0', 'v0.74.0, v0.73.0'],
    ['cosign', 'v3.0.7', 'v3.0.6, v3.0.5'],
  ] as const)(
    'an unpinned %s %s without a hash is an InputError naming the input and the pinned versions',
    (tool, version, pinned) => {
      const expected = (): string => expectedSha256(tool, { version }, LINUX)
      expect(expected).toThrow(InputError)
      expect(expected).toThrow(
        `\`${tool}-sha256\` is required for ${tool} ${version}, which has no pinned hash; pinned versions: ${pinned}`,
      )
      try {
        expected()
      } catch (error) {
        expect(error).toMatchObject({ input: `${tool}-sha256`, value: '' })
      }
    },
  )

  test('a version pinned for other platforms but not this one asks for a hash and says why', () => {
    const riscv: RunnerPlatform = { os: 'linux', arch: 'riscv64' }
    expect(pinnedSha256('cosign', 'v2.6.1', riscv)).toBeUndefined()
    expect(() => expectedSha256('cosign', { version: 'v2.6.1' }, riscv)).toThrow(
      'is required for cosign v2.6.1, which vouch pins for other platforms but not for Linux RISCV64',
    )
    expect(expectedSha256('cosign', { version: 'v2.6.1', sha256: SOME_HASH }, riscv)).toBe(SOME_HASH)
  })

  test.each(['constructor', '__proto__', 'toString'])('a version named %s is simply unpinned', (version) => {
    const tool: ToolName = 'trivy'
    expect(pinnedSha256(tool, version, LINUX)).toBeUndefined()
  })
})
