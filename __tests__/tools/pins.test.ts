// The pinned hashes in src/tools/pins.ts must be exactly the tables of tool-checksums.md: every row pinned, every
// pin a row. Read from a copy under fixtures so the test runs in a clone without ../shared.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { assetName, type PlatformKey, type RunnerPlatform, type ToolName } from '../../src/tools/assets.js'
import { IntegrityError } from '../../src/errors.js'
import { assertHashAllowed, PINNED_SHA256, REFUSED_SHA256, pinnedVersions } from '../../src/tools/checksums.js'

interface Row {
  tool: ToolName
  version: string
  asset: string
  sha256: string
}

// `### Trivy v0.74.0` / `#### cosign v3.0.5` open a table; `### Known-bad …` opens the refused one.
function parseChecksums(markdown: string): { pinned: Row[]; knownBad: string[] } {
  const pinned: Row[] = []
  const knownBad: string[] = []
  let section: { tool: ToolName; version: string } | 'known-bad' | undefined
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,4} (.*)$/.exec(line)
    if (heading) {
      const release = /^(Trivy|cosign) (v\d+\.\d+\.\d+)\s*$/.exec(heading[1]!)
      section = release
        ? { tool: release[1]!.toLowerCase() as ToolName, version: release[2]! }
        : /^Known-bad/.test(heading[1]!)
          ? 'known-bad'
          : undefined
      continue
    }
    // An indicator the document gives only by its ends: `claims Linux-64bit = \`385d498d…09f6\``.
    if (section === 'known-bad') {
      for (const partial of line.matchAll(/claims [\w-]+ = `([0-9a-f]+…[0-9a-f]+)`/g)) knownBad.push(partial[1]!)
    }
    const row = /^\| `([^`]+)` \| `([0-9a-f]{64})` \|/.exec(line)
    if (row === null || section === undefined) continue
    if (section === 'known-bad') knownBad.push(row[2]!)
    else pinned.push({ ...section, asset: row[1]!, sha256: row[2]! })
  }
  return { pinned, knownBad }
}

const markdown = readFileSync(join(import.meta.dirname, '../fixtures/tools/tool-checksums.md'), 'utf8')
const { pinned: rows, knownBad } = parseChecksums(markdown)

const toPlatform = (key: string): RunnerPlatform => {
  const [os, arch] = key.split('/') as [RunnerPlatform['os'], RunnerPlatform['arch']]
  return { os, arch }
}

const pins: Row[] = (Object.keys(PINNED_SHA256) as ToolName[]).flatMap((tool) =>
  Object.entries(PINNED_SHA256[tool]).flatMap(([version, platforms]) =>
    Object.entries(platforms).map(([key, sha256]) => ({
      tool,
      version,
      asset: assetName(tool, version, toPlatform(key as PlatformKey)),
      sha256: sha256!,
    })),
  ),
)

const rowKey = (row: Row): string => `${row.tool} ${row.version} ${row.asset}`

describe('pinned sha256 against tool-checksums.md', () => {
  test('every release table of the document yields its rows, each once', () => {
    // Counted from the document itself, so that a new pinned release needs no count changed here.
    const releases = [...markdown.matchAll(/^#{2,4} (Trivy|cosign) (v\d+\.\d+\.\d+)\s*$/gm)].map(
      ([, tool, version]) => `${tool!.toLowerCase()} ${version}`,
    )
    expect(releases.length).toBeGreaterThan(0)
    for (const tool of ['trivy', 'cosign']) expect(releases.some((release) => release.startsWith(tool))).toBe(true)
    for (const release of releases) {
      expect(rows.filter((row) => `${row.tool} ${row.version}` === release).length, release).toBeGreaterThan(0)
    }
    expect(new Set(rows.map((row) => `${row.tool} ${row.version}`))).toEqual(new Set(releases))
    expect(new Set(rows.map(rowKey)).size).toBe(rows.length)
  })

  test.each(rows.map((row) => [rowKey(row), row] as const))('row %s is pinned with exactly its hash', (_, row) => {
    expect(pins.find((pin) => rowKey(pin) === rowKey(row))?.sha256).toBe(row.sha256)
  })

  test.each(pins.map((pin) => [rowKey(pin), pin] as const))('pin %s is a row of the document', (_, pin) => {
    expect(rows.find((row) => rowKey(row) === rowKey(pin))?.sha256).toBe(pin.sha256)
  })

  test('the pinned versions are the ones the document confirms, newest first', () => {
    expect(pinnedVersions('trivy')).toEqual([
      'v0.74.0',
      'v0.73.0',
      'v0.72.0',
      'v0.71.2',
      'v0.71.1',
      'v0.71.0',
      'v0.70.0',
      'v0.69.3',
    ])
    expect(pinnedVersions('cosign')).toEqual([
      'v3.0.6',
      'v3.0.5',
      'v3.0.2',
      'v2.6.1',
      'v2.6.0',
      'v2.5.3',
      'v2.5.2',
      'v2.5.0',
      'v2.4.3',
      'v2.4.2',
      'v2.4.1',
    ])
  })

  test('every known-bad hash of the document, of every platform it names, is refused, and none is pinned', () => {
    expect(knownBad).toEqual(['0376b98064636c30f5fbe60fb3b1225516e23e88dd7e909937f81d9265292e7d', '385d498d…09f6'])
    expect([...REFUSED_SHA256.keys()]).toEqual(knownBad)
    for (const bad of knownBad) {
      const [prefix = '', suffix = ''] = bad.split('…')
      const hash = bad.includes('…') ? prefix + '0'.repeat(64 - prefix.length - suffix.length) + suffix : bad
      expect(() => assertHashAllowed(hash, 'the asset')).toThrow(IntegrityError)
      expect(
        pins.some((pin) => pin.sha256 === hash || (pin.sha256.startsWith(prefix) && pin.sha256.endsWith(suffix))),
      ).toBe(false)
    }
  })

  test('no hash is pinned twice (a copy-paste slip would repeat one)', () => {
    expect(new Set(pins.map((pin) => pin.sha256)).size).toBe(pins.length)
  })
})
