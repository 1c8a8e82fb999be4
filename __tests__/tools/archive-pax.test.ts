// PAX `size` records move where tar finds the next header: the lister must list exactly what GNU tar lists (and so
// extracts), whichever way the PAX size and the header's size field disagree. The archives are written byte by byte.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { TarLister, unsafeEntry } from '../../src/tools/archive.js'

const work = mkdtempSync(join(tmpdir(), 'vouch-pax-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A ustar header block; `size` is what the header's own size field says. */
function header(name: string, type: string, size: number): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 'utf8')
  block.write('0000644\0', 100, 'latin1')
  block.write('0000000\0', 108, 'latin1')
  block.write('0000000\0', 116, 'latin1')
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  block.write('00000000000\0', 136, 'latin1')
  block.write(type, 156, 'latin1')
  block.write('ustar\x0000', 257, 'latin1')
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

const pad = (data: Buffer): Buffer => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)])

/** `<length> key=value\n`, the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = body.length + 1
  while (`${length}${body}`.length !== length) length++
  return `${length}${body}`
}

function pax(records: Record<string, string>, type = 'x'): Buffer {
  const data = Buffer.from(
    Object.entries(records)
      .map(([key, value]) => paxRecord(key, value))
      .join(''),
  )
  return Buffer.concat([header('PaxHeaders/trivy', type, data.length), pad(data)])
}

const END = Buffer.alloc(1024)

function list(tar: Buffer): string[] {
  const lister = new TarLister()
  for (let offset = 0; offset < tar.length; offset += 100) lister.write(tar.subarray(offset, offset + 100))
  return lister.end().map((entry) => entry.name)
}

let counter = 0
/** What GNU tar itself reads from the archive: the names it would extract. */
function tarListing(tar: Buffer): string[] {
  const file = join(work, `a${counter++}.tar`)
  writeFileSync(file, tar)
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((line) => line !== '')
}

describe('PAX size records', () => {
  test('a PAX size of 0 over a header that claims 1024 bytes: the entry hidden in those bytes is listed', () => {
    const evil = Buffer.from('evil\n')
    const tar = Buffer.concat([
      pax({ size: '0' }),
      header('trivy', '0', 1024),
      header('../evil', '0', evil.length),
      pad(evil),
      END,
    ])
    expect(tarListing(tar)).toEqual(['trivy', '../evil'])
    expect(list(tar)).toEqual(['trivy', '../evil'])
    const lister = new TarLister()
    lister.write(tar)
    expect(lister.end().map(unsafeEntry)).toEqual([undefined, 'a ".." path segment'])
  })

  test('a PAX size larger than the header says: what looks like a header inside the data is data', () => {
    const data = Buffer.concat([header('../decoy', '0', 0), Buffer.alloc(512, 0x61)])
    const tar = Buffer.concat([pax({ size: String(data.length) }), header('trivy', '0', 0), data, END])
    expect(tarListing(tar)).toEqual(['trivy'])
    expect(list(tar)).toEqual(['trivy'])
  })

  test('a PAX path and size together name and size the next entry only', () => {
    const content = Buffer.from('binary')
    const tar = Buffer.concat([
      pax({ path: 'bin/trivy', size: String(content.length) }),
      header('placeholder', '0', 0),
      pad(content),
      header('LICENSE', '0', 3),
      pad(Buffer.from('MIT')),
      END,
    ])
    expect(tarListing(tar)).toEqual(['bin/trivy', 'LICENSE'])
    expect(list(tar)).toEqual(['bin/trivy', 'LICENSE'])
  })

  test('an archive written by tar --format=pax lists the same', () => {
    const root = join(work, 'made')
    execFileSync('mkdir', ['-p', root])
    writeFileSync(join(root, 'trivy'), 'x'.repeat(3000))
    const file = join(work, 'made.tar')
    execFileSync('tar', ['--format=pax', '-cf', file, 'trivy'], { cwd: root })
    const tar = execFileSync('cat', [file])
    expect(list(tar)).toEqual(tarListing(tar))
  })

  test.each(['-1', '12abc', ''])('a malformed PAX size %j is refused', (size) => {
    const tar = Buffer.concat([pax({ size }), header('trivy', '0', 0), END])
    expect(() => list(tar)).toThrow('malformed PAX size record')
  })

  test('a global PAX size record is refused', () => {
    const tar = Buffer.concat([pax({ size: '0' }, 'g'), header('trivy', '0', 0), END])
    expect(() => list(tar)).toThrow('global PAX size record')
  })
})
