// Archive listing against archives made by the system's own tar and zip, including the tricks that hide a `..`.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import {
  listZipEntries,
  normalizeEntryName,
  TarLister,
  unsafeEntry,
  type ArchiveEntry,
} from '../../src/tools/archive.js'
import { packTrivy } from '../support/tools.js'

const work = mkdtempSync(join(tmpdir(), 'vouch-archive-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let counter = 0
/** A directory with the given files (and symlinks), archived by system tar with `args`; returns the tar bytes. */
function tarOf(
  files: Record<string, string>,
  members: string[],
  args: string[] = [],
  links: Record<string, string> = {},
): Buffer {
  const root = join(work, `t${counter++}`)
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), content)
  }
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(root, name))
  const out = `${root}.tar`
  execFileSync('tar', ['-cf', out, ...args, ...members], { cwd: root, stdio: 'ignore' })
  return readFileSync(out)
}

/** Feeds the lister in awkward pieces, as a gunzip stream would. */
function list(tar: Buffer, pieceSize = 333): ArchiveEntry[] {
  const lister = new TarLister()
  for (let offset = 0; offset < tar.length; offset += pieceSize) lister.write(tar.subarray(offset, offset + pieceSize))
  return lister.end()
}

describe('TarLister', () => {
  test('lists a stand-in Trivy release archive', () => {
    const entries = list(gunzipSync(packTrivy('v0.74.99').bytes))
    expect(entries).toEqual([
      { name: 'trivy', type: 'file' },
      { name: 'LICENSE', type: 'file' },
      { name: 'README.md', type: 'file' },
    ])
  })

  test('sees the `../evil` entry of a traversal archive', () => {
    const entries = list(gunzipSync(packTrivy('v0.74.99', { traversal: true }).bytes))
    expect(entries.map((entry) => entry.name)).toContain('../evil')
  })

  const longName = `${'deep/'.repeat(30)}file.txt`
  test.each([
    ['gnu', 'a GNU long-name (L) record'],
    ['posix', 'a PAX path record'],
    ['ustar', 'the ustar prefix field'],
  ])('reads a %s name longer than 100 bytes through %s', (format) => {
    const entries = list(tarOf({ [longName]: 'x' }, [longName], [`--format=${format}`]))
    expect(entries.filter((entry) => entry.type === 'file').map((entry) => entry.name)).toEqual([longName])
  })

  test.each(['gnu', 'posix'])('a `..` hidden in a long %s name is still seen', (format) => {
    const hidden = `${'a/'.repeat(60)}../../x`
    const entries = list(tarOf({ x: 'x' }, ['x'], [`--format=${format}`, '-P', '--transform', `s,^x$,${hidden},`]))
    expect(entries.map((entry) => entry.name)).toEqual([hidden])
    expect(unsafeEntry(entries[0]!)).toBe('a ".." path segment')
  })

  test('reports a symlink with its target', () => {
    const tar = tarOf({ real: 'x' }, ['real', 'soft'], [], { soft: '/etc/passwd' })
    expect(list(tar)).toEqual([
      { name: 'real', type: 'file' },
      { name: 'soft', type: 'symlink', linkName: '/etc/passwd' },
    ])
  })

  test('reports a hard link entry', () => {
    const root = join(work, `hl${counter++}`)
    mkdirSync(root)
    writeFileSync(join(root, 'a'), 'x')
    execFileSync('ln', [join(root, 'a'), join(root, 'b')])
    execFileSync('tar', ['-cf', `${root}.tar`, 'a', 'b'], { cwd: root })
    expect(list(readFileSync(`${root}.tar`))).toEqual([
      { name: 'a', type: 'file' },
      { name: 'b', type: 'hardlink', linkName: 'a' },
    ])
  })

  test('an absolute member name is kept as it is stored', () => {
    const entries = list(tarOf({ x: 'x' }, ['x'], ['-P', '--transform', 's,^x$,/etc/cron.d/evil,']))
    expect(entries).toEqual([{ name: '/etc/cron.d/evil', type: 'file' }])
  })

  test('garbage is not a tar archive', () => {
    expect(() => list(Buffer.alloc(1024, 7))).toThrow('not a tar archive')
  })

  test('a stream that stops inside an entry is reported', () => {
    const tar = tarOf({ big: 'y'.repeat(5000) }, ['big'])
    expect(() => list(tar.subarray(0, 1024))).toThrow('ends in the middle of an entry')
  })
})

describe('listZipEntries', () => {
  test('lists files, directories and symlinks of a zip made by zip(1)', () => {
    const root = join(work, `z${counter++}`)
    mkdirSync(join(root, 'dir'), { recursive: true })
    writeFileSync(join(root, 'trivy.exe'), 'MZ')
    writeFileSync(join(root, 'dir', 'README.md'), '#')
    symlinkSync('/etc/passwd', join(root, 'link'))
    execFileSync('zip', ['-q', '-r', '-y', `${root}.zip`, 'trivy.exe', 'dir', 'link'], { cwd: root })
    expect(listZipEntries(readFileSync(`${root}.zip`))).toEqual([
      { name: 'trivy.exe', type: 'file' },
      { name: 'dir/', type: 'directory' },
      { name: 'dir/README.md', type: 'file' },
      { name: 'link', type: 'symlink' },
    ])
  })

  test('lists the stand-in windows Trivy zip', () => {
    const zip = packTrivy('v0.74.99', { os: 'windows', arch: '64bit' })
    expect(zip.name).toBe('trivy_0.74.99_windows-64bit.zip')
    expect(listZipEntries(zip.bytes).map((entry) => entry.name)).toEqual(['trivy.exe', 'LICENSE', 'README.md'])
  })

  test('a file that is not a zip is refused', () => {
    expect(() => listZipEntries(Buffer.from('not a zip at all, just some text of reasonable length'))).toThrow(
      'not a zip archive',
    )
  })
})

describe('unsafeEntry', () => {
  test.each([
    [{ name: 'trivy', type: 'file' }, undefined],
    [{ name: './trivy', type: 'file' }, undefined],
    [{ name: 'contrib/html.tpl', type: 'file' }, undefined],
    [{ name: 'contrib/', type: 'directory' }, undefined],
    [{ name: 'a..b', type: 'file' }, undefined],
    [{ name: '../evil', type: 'file' }, 'a ".." path segment'],
    [{ name: 'a/../../evil', type: 'file' }, 'a ".." path segment'],
    [{ name: '..\\evil.exe', type: 'file' }, 'a ".." path segment'],
    [{ name: '/etc/passwd', type: 'file' }, 'an absolute path'],
    [{ name: '\\Windows\\evil.dll', type: 'file' }, 'an absolute path'],
    [{ name: 'C:/evil', type: 'file' }, 'an absolute path'],
    [{ name: 'c:evil', type: 'file' }, 'an absolute path'],
    [{ name: '', type: 'file' }, 'an empty name'],
    [{ name: 'a\0b', type: 'file' }, 'a NUL byte in its name'],
    [{ name: 'trivy', type: 'symlink', linkName: '/bin/sh' }, 'a symlink to "/bin/sh"'],
    [{ name: 'trivy', type: 'hardlink', linkName: 'LICENSE' }, 'a hardlink to "LICENSE"'],
    [{ name: 'dev', type: 'other' }, 'a device, FIFO or other special file'],
  ] as [ArchiveEntry, string | undefined][])('%j: %s', (entry, reason) => {
    expect(unsafeEntry(entry)).toBe(reason)
  })

  test.each([
    ['./trivy', 'trivy'],
    ['trivy', 'trivy'],
    ['./a//b/', 'a/b'],
  ])('normalizeEntryName(%s) is %s', (name, normalized) => {
    expect(normalizeEntryName(name)).toBe(normalized)
  })
})
