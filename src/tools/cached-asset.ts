// Takes a release asset out of a cache (the runner tool cache, or an Actions cache restore) only after checking it
// again: the file is copied into vouch's own fresh directory and the COPY is hashed, so the bytes compared with the
// pinned (or user-given) sha256 are exactly the bytes that are later extracted or run, whatever happens to the cache.
// The copy is hashed as it is written (one pass): the hashed bytes are the bytes written to the copy.
import { lstat, rm } from 'node:fs/promises'
import { copyHashingSha256 } from './hash.js'

export type Adopted =
  | { ok: true }
  /** `tampered`: the entry held this asset with other bytes (worth a warning); otherwise it was just absent. */
  | { ok: false; tampered: boolean; reason: string }

/**
 * Copies `cached` to `copy` (a path in a directory only vouch uses, not existing yet) and compares the copy's sha256
 * with `sha256` (`source` names where that hash came from, for the message). On a mismatch the copy is deleted before returning; nothing beside the cached file is consulted.
 */
export async function adoptCachedAsset(
  cached: string,
  copy: string,
  sha256: string,
  source = 'expected',
): Promise<Adopted> {
  const stat = await lstat(cached).catch(() => undefined)
  if (stat === undefined) return { ok: false, tampered: false, reason: 'it does not hold the release asset' }
  // A link or a FIFO in place of the asset is not something vouch ever writes.
  if (!stat.isFile()) return { ok: false, tampered: true, reason: `${cached} is not a regular file` }
  try {
    const actual = await copyHashingSha256(cached, copy)
    if (actual === sha256) return { ok: true }
    await rm(copy, { force: true })
    return { ok: false, tampered: true, reason: `it has sha256 ${actual}, but the ${source} sha256 is ${sha256}` }
  } catch (error) {
    await rm(copy, { force: true })
    return { ok: false, tampered: false, reason: `it could not be read: ${(error as Error).message}` }
  }
}
