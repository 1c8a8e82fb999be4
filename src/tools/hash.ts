// A copy hashed as it is written, streamed so a 150 MB binary is never held in memory.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

/**
 * Copies `source` to `copy` (which must not exist yet) in one pass and returns the sha256 of the bytes written to
 * `copy`: exactly what a later read of the copy would hash, without reading it again.
 */
export async function copyHashingSha256(source: string, copy: string): Promise<string> {
  const hash = createHash('sha256')
  const out = await open(copy, 'wx', 0o600)
  try {
    for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) {
      const data = chunk as Buffer
      await writeAll(out, data)
      hash.update(data)
    }
  } finally {
    await out.close()
  }
  return hash.digest('hex')
}

/** Writes every byte of `data` at the handle's position (a write may take fewer bytes than offered). */
export async function writeAll(out: FileHandle, data: Buffer): Promise<void> {
  let offset = 0
  while (offset < data.length) offset += (await out.write(data, offset, data.length - offset)).bytesWritten
}
