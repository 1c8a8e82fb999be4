// The in-process tar.gz unpack: one read of the verified copy, only the executable written, by vouch's own name,
// and nothing executable left when the listing refuses the archive. GNU tar builds the archives and, for the
// duplicate-name case, says what extraction would have produced.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { IntegrityError } from '../../src/errors.js'
import type { ReleaseAsset } from '../../src/tools/assets.js'
import { unpackAsset } from '../../src/tools/extract.js'
import { copyHashingSha256 } from '../../src/tools/hash.js'

const work = mkdtempSync(join(tmpdir(), 'vouch-extract-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const asset: ReleaseAsset = {
  tool: 'trivy',
  version: 'v0.74.0',
  name: 'trivy_0.74.0_Linux-64bit.tar.gz',
  url: 'http://127.0.0.1/trivy.tar.gz',
  kind: 'tar.gz',
  binary: 'trivy',
}

let count = 0
function fresh(): string {
  const dir = join(work, `case-${count++}`)
  mkdirSync(dir)
  return dir
}

/** `files` written into a fresh folder, packed by GNU tar (`-czf`) in the order given. */
function targz(files: Record<string, Buffer | string>, members = Object.keys(files)): string {
  const root = fresh()
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), data)
  }
  const out = `${root}.tar.gz`
  execFileSync('tar', ['-czf', out, ...members], { cwd: root, stdio: 'ignore' })
  return out
}

describe('unpackAsset, tar.gz', () => {
  test('writes only the executable, byte for byte (across many inflated chunks), and marks it executable', async () => {
    const binary = randomBytes(3 * 1024 * 1024 + 77)
    const file = targz({ './trivy': binary, LICENSE: 'Apache', 'contrib/html.tpl': '{{ . }}' }, [
      'LICENSE',
      './trivy',
      'contrib',
    ])
    const dest = join(fresh(), 'bin')
    const path = await unpackAsset(asset, file, dest)
    expect(path).toBe(join(dest, 'trivy'))
    expect(readFileSync(path).equals(binary)).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o755)
    expect(readdirSync(dest)).toEqual(['trivy'])
  })

  test('an empty executable entry is still written (and left to the version check to refuse)', async () => {
    const dest = join(fresh(), 'bin')
    const path = await unpackAsset(asset, targz({ trivy: '' }), dest)
    expect(statSync(path).size).toBe(0)
  })

  test('a name that occurs twice: the later entry, as GNU tar extracts it', async () => {
    const root = fresh()
    writeFileSync(join(root, 'trivy'), 'first version, longer than the second')
    const tar = `${root}.tar`
    execFileSync('tar', ['-cf', tar, 'trivy'], { cwd: root })
    writeFileSync(join(root, 'trivy'), 'second')
    execFileSync('tar', ['-rf', tar, 'trivy'], { cwd: root })
    execFileSync('gzip', ['-k', tar])
    const byTar = fresh()
    execFileSync('tar', ['-xf', tar, '-C', byTar])
    const path = await unpackAsset(asset, `${tar}.gz`, join(fresh(), 'bin'))
    expect(readFileSync(path, 'utf8')).toBe('second')
    expect(readFileSync(path)).toEqual(readFileSync(join(byTar, 'trivy')))
  })

  test('an unsafe entry after the executable: refused, and no executable is left behind', async () => {
    const root = fresh()
    writeFileSync(join(root, 'trivy'), 'binary')
    symlinkSync('/etc/passwd', join(root, 'passwd'))
    const file = `${root}.tar.gz`
    execFileSync('tar', ['-czf', file, 'trivy', 'passwd'], { cwd: root })
    const dest = join(fresh(), 'bin')
    await expect(unpackAsset(asset, file, dest)).rejects.toThrow(IntegrityError)
    await expect(unpackAsset(asset, file, join(fresh(), 'bin'))).rejects.toThrow(/unsafe entry "passwd"/)
    expect(readdirSync(dest)).toEqual([])
  })

  test('a cut-off archive: refused, and the partly written executable is removed', async () => {
    const whole = readFileSync(targz({ trivy: randomBytes(512 * 1024) }))
    const file = join(fresh(), asset.name)
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)))
    const dest = join(fresh(), 'bin')
    await expect(unpackAsset(asset, file, dest)).rejects.toThrow(/could not be read as a tar.gz archive/)
    expect(readdirSync(dest)).toEqual([])
  })

  test('no executable of that name at the top level: refused', async () => {
    const dest = join(fresh(), 'bin')
    await expect(unpackAsset(asset, targz({ 'bin/trivy': 'x', LICENSE: 'y' }), dest)).rejects.toThrow(
      /has no trivy at its top level/,
    )
    expect(readdirSync(dest)).toEqual([])
  })
})

describe('copyHashingSha256', () => {
  test('the copy holds the same bytes, and the hash is theirs', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 5)
    const source = join(fresh(), 'asset')
    writeFileSync(source, bytes)
    const copy = join(fresh(), 'copy')
    await expect(copyHashingSha256(source, copy)).resolves.toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(readFileSync(copy).equals(bytes)).toBe(true)
  })

  test('never writes over an existing file', async () => {
    const source = join(fresh(), 'asset')
    writeFileSync(source, 'new')
    const copy = join(fresh(), 'copy')
    writeFileSync(copy, 'old')
    await expect(copyHashingSha256(source, copy)).rejects.toThrow(/EEXIST/)
    expect(readFileSync(copy, 'utf8')).toBe('old')
  })
})
