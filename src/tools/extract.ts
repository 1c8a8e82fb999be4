// Unpacks a release asset whose sha256 was already verified: lists the archive first and refuses `..`, absolute
// paths and links before anything is written, extracts into a fresh directory, then checks nothing escaped.
import { createReadStream } from 'node:fs'
import { chmod, lstat, mkdir, readdir, readFile, rename } from 'node:fs/promises'
import { join, relative, isAbsolute } from 'node:path'
import { createGunzip } from 'node:zlib'
import * as tc from '@actions/tool-cache'
import { IntegrityError } from '../errors.js'
import { listZipEntries, normalizeEntryName, TarLister, unsafeEntry, type ArchiveEntry } from './archive.js'
import type { ReleaseAsset } from './assets.js'

/** The entries of a `.tar.gz` or `.zip` file, read without extracting anything. */
export async function listArchive(file: string, kind: 'tar.gz' | 'zip'): Promise<ArchiveEntry[]> {
  if (kind === 'zip') return listZipEntries(await readFile(file))
  const lister = new TarLister()
  for await (const chunk of createReadStream(file).pipe(createGunzip())) lister.write(chunk as Buffer)
  return lister.end()
}

/**
 * Puts the asset's executable into `dest` (an empty directory) as `asset.binary`, marks it executable and returns
 * its path. Archives are listed and checked before extraction; a bare binary (cosign) is moved, not copied, so the
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
    entries = await listArchive(file, asset.kind)
  } catch (error) {
    throw new IntegrityError(
      `${asset.name} could not be read as a ${asset.kind} archive: ${(error as Error).message}`,
      { cause: error },
    )
  }
  for (const entry of entries) {
    const reason = unsafeEntry(entry)
    if (reason !== undefined) {
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

  if (asset.kind === 'zip') await tc.extractZip(file, dest)
  else await tc.extractTar(file, dest)

  // Belt and braces: whatever tar or unzip did, nothing in dest may be a link, and the executable must be a file.
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
