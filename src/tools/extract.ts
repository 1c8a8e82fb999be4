// Unpacks a release asset whose sha256 was already verified. A `.tar.gz` is read once, in process: its entries are
// listed and only the executable's bytes are written, under the name vouch chooses, kept unexecutable until every
// entry was found safe (no `..`, absolute paths or links). A `.zip` is listed first and refused before anything is
// written, then extracted into a fresh directory, and checked for anything that escaped.
import { createReadStream } from 'node:fs'
import { chmod, lstat, mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises'
import { join, relative, isAbsolute } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import * as tc from '@actions/tool-cache'
import { IntegrityError } from '../errors.js'
import { listZipEntries, normalizeEntryName, TarLister, unsafeEntry, type ArchiveEntry } from './archive.js'
import type { ReleaseAsset } from './assets.js'
import { writeAll } from './hash.js'

// Large reads and inflated chunks: the Trivy archive inflates to about 170 MB.
const CHUNK = 1 << 20
// How far inflating may run ahead of writing the executable. A zlib stream inflates on libuv's thread pool (Node 24
// lib/zlib.js processChunk calls handle.write, src/node_zlib.cc runs it as ThreadPoolWork), so the next chunks
// inflate while the last ones are written; memory stays bounded when the disk is the slower of the two.
const AHEAD = 16 * CHUNK

/**
 * The entries of a `.tar.gz` or `.zip` file. With `binary` and `into` (tar.gz only), the data of the regular-file
 * entry named `binary` (`./trivy` and `trivy` alike) is written to `into`, created with mode 0600, in the same
 * single pass; a later entry of that name replaces it, as with tar. Nothing else is written.
 */
export async function listArchive(
  file: string,
  kind: 'tar.gz' | 'zip',
  keep?: { binary: string; into: string },
): Promise<ArchiveEntry[]> {
  if (kind === 'zip') return listZipEntries(await readFile(file))
  const kept = new KeptFile(keep?.into)
  const lister = new TarLister(
    keep === undefined ? undefined : (entry) => normalizeEntryName(entry.name) === keep.binary,
    (index, data) => kept.add(index, data),
  )
  // Each inflated chunk is listed as it arrives (a refused entry stops the pass there), and the executable's bytes
  // in it are written before the sink takes the next chunk; the pool inflates the ones after it meanwhile.
  const sink = new Writable({
    highWaterMark: AHEAD,
    write(chunk: Buffer, _encoding, done) {
      try {
        lister.write(chunk)
      } catch (error) {
        done(error as Error)
        return
      }
      kept.flush().then(() => done(), done)
    },
  })
  try {
    await pipeline(createReadStream(file, { highWaterMark: CHUNK }), createGunzip({ chunkSize: CHUNK }), sink)
    return lister.end()
  } finally {
    await kept.close()
  }
}

/** The one file a tar pass writes: the kept entry's bytes, in order, reopened (truncated) when the name recurs. */
class KeptFile {
  private pieces: { index: number; data: Buffer }[] = []
  private out: FileHandle | undefined
  private current = -1

  constructor(private readonly path: string | undefined) {}

  add(index: number, data: Buffer): void {
    if (this.path !== undefined) this.pieces.push({ index, data })
  }

  async flush(): Promise<void> {
    for (const { index, data } of this.pieces.splice(0)) {
      if (index !== this.current) {
        await this.out?.close()
        this.out = undefined
        this.out = await open(this.path as string, 'w', 0o600)
        this.current = index
      }
      await writeAll(this.out as FileHandle, data)
    }
  }

  async close(): Promise<void> {
    await this.out?.close()
    this.out = undefined
  }
}

/**
 * Puts the asset's executable into `dest` (an empty directory) as `asset.binary`, marks it executable and returns
 * its path. A tar.gz's executable is written while the archive is listed, and removed unless every entry passes
 * the checks; a zip is listed and checked before it is extracted; a bare binary (cosign) is moved, not copied, so the
 * file that runs is the very file whose sha256 was checked. Throws IntegrityError for an archive with an unsafe entry
 * or without the expected executable.
 */
export async function unpackAsset(asset: ReleaseAsset, file: string, dest: string): Promise<string> {
  await mkdir(dest, { recursive: true })
  const binaryPath = join(dest, asset.binary)
  if (asset.kind === 'binary') {
    await rename(file, binaryPath)
    await chmod(binaryPath, 0o755)
    return binaryPath
  }
  let entries: ArchiveEntry[]
  try {
    entries = await listArchive(
      file,
      asset.kind,
      asset.kind === 'tar.gz' ? { binary: asset.binary, into: binaryPath } : undefined,
    )
  } catch (error) {
    await rm(binaryPath, { force: true })
    throw new IntegrityError(
      `${asset.name} could not be read as a ${asset.kind} archive: ${(error as Error).message}`,
      { cause: error },
    )
  }
  for (const entry of entries) {
    const reason = unsafeEntry(entry)
    if (reason !== undefined) {
      await rm(binaryPath, { force: true })
      throw new IntegrityError(
        `${asset.name} holds an unsafe entry ${JSON.stringify(entry.name)} (${reason}); refusing to extract it`,
      )
    }
  }
  if (!entries.some((entry) => entry.type === 'file' && normalizeEntryName(entry.name) === asset.binary)) {
    const names = entries.slice(0, 20).map((entry) => entry.name)
    throw new IntegrityError(
      `${asset.name} has no ${asset.binary} at its top level (entries: ${names.join(', ') || 'none'})`,
    )
  }

  // A tar.gz's executable was written above, by name, while it was listed: tar never runs.
  if (asset.kind === 'zip') await tc.extractZip(file, dest)

  // Belt and braces: whatever unzip (or the listing's one write) did, nothing in dest may be a link, and the executable must be a file.
  await assertPlainTree(dest, asset.name)
  const binary = await lstat(binaryPath).catch(() => undefined)
  if (binary === undefined || !binary.isFile()) {
    throw new IntegrityError(`${asset.name} did not extract ${asset.binary} as a regular file`)
  }
  await chmod(binaryPath, 0o755)
  return binaryPath
}

async function assertPlainTree(root: string, assetName: string): Promise<void> {
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    const inside = relative(root, path)
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new IntegrityError(`${assetName} extracted ${path} outside ${root}`)
    }
    if (entry.isSymbolicLink()) throw new IntegrityError(`${assetName} extracted a symbolic link ${inside}`)
    if (!entry.isFile() && !entry.isDirectory())
      throw new IntegrityError(`${assetName} extracted a special file ${inside}`)
  }
}
