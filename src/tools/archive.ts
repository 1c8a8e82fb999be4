// Reads the entry list of a tar or zip archive without extracting it, and says which entries would be unsafe to
// extract (absolute paths, `..`, links, devices). Pure: bytes in, entries out; extract.ts feeds it the files.

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'

export interface ArchiveEntry {
  name: string
  type: EntryType
  linkName?: string
}

/** Why extracting this entry could write outside the destination or plant a link, or undefined when it is safe. */
export function unsafeEntry(entry: ArchiveEntry): string | undefined {
  const { name } = entry
  if (name === '') return 'an empty name'
  if (name.includes('\0')) return 'a NUL byte in its name'
  if (/^([A-Za-z]:|[\\/])/.test(name)) return 'an absolute path'
  if (name.split(/[\\/]/).includes('..')) return 'a ".." path segment'
  if (entry.type === 'symlink' || entry.type === 'hardlink')
    return `a ${entry.type} to ${JSON.stringify(entry.linkName ?? '')}`
  if (entry.type === 'other') return 'a device, FIFO or other special file'
  return undefined
}

/** `./trivy` and `trivy` are the same entry. */
export function normalizeEntryName(name: string): string {
  return name
    .split(/[\\/]/)
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/')
}

const BLOCK = 512
// The end-of-archive marker is a block of zeros; compared natively, not byte by byte in JavaScript.
const ZERO_BLOCK = Buffer.alloc(BLOCK)
// Long names and PAX records are a few hundred bytes; anything near this is not a release archive.
const MAX_METADATA = 1 << 20

type Pending = { kind: 'L' | 'K' | 'x' | 'g'; size: number; padded: number }

/**
 * An incremental reader of a (decompressed) tar stream: feed it chunks with `write`, then call `end`.
 * Understands ustar prefixes, GNU long names (`L`/`K`) and PAX `path`/`linkpath`/`size` records, which is how a
 * `..` could otherwise hide from a reader that looks only at the header fields: a PAX `size` that differs from the
 * header's moves where tar finds the next entry, so the lister skips what tar skips and reads what tar extracts.
 */
export class TarLister {
  readonly entries: ArchiveEntry[] = []
  private buffered: Buffer = Buffer.alloc(0)
  private skip = 0
  private pending: Pending | undefined
  private longName: string | undefined
  private longLink: string | undefined
  private paxPath: string | undefined
  private paxLink: string | undefined
  private paxSize: number | undefined
  private ended = false
  /** Bytes of the current entry's data still to hand to `onData`, and that entry's index. */
  private keptLeft = 0
  private keptIndex = -1

  /**
   * `keep` picks the regular-file entries whose data `onData` receives, in order: once with no bytes when the entry
   * starts (so an empty file is still seen), then its bytes without the tar padding. The index is the entry's place
   * in `entries`; a name that occurs twice starts again, as tar would overwrite it.
   */
  constructor(
    private readonly keep?: (entry: ArchiveEntry) => boolean,
    private readonly onData?: (index: number, data: Buffer) => void,
  ) {}

  write(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    while (data.length > 0 && !this.ended) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, data.length)
        if (this.keptLeft > 0) {
          const piece = Math.min(this.keptLeft, skipped)
          this.onData?.(this.keptIndex, data.subarray(0, piece))
          this.keptLeft -= piece
        }
        this.skip -= skipped
        data = data.subarray(skipped)
        continue
      }
      const need = this.pending?.padded ?? BLOCK
      const take = Math.min(need - this.buffered.length, data.length)
      this.buffered = Buffer.concat([this.buffered, data.subarray(0, take)])
      data = data.subarray(take)
      if (this.buffered.length < need) return
      const block = this.buffered
      this.buffered = Buffer.alloc(0)
      if (this.pending === undefined) this.readHeader(block)
      else this.readMetadata(this.pending, block)
    }
  }

  /** The entries, once the whole stream was read; throws when it stopped inside an entry. */
  end(): ArchiveEntry[] {
    if (!this.ended && (this.skip > 0 || this.pending !== undefined || this.buffered.length > 0)) {
      throw new Error('the tar archive ends in the middle of an entry')
    }
    return this.entries
  }

  private readHeader(block: Buffer): void {
    if (block.equals(ZERO_BLOCK)) {
      this.ended = true
      return
    }
    if (!checksumMatches(block)) throw new Error('not a tar archive (a header checksum does not match)')
    const type = String.fromCharCode(block[156] ?? 0)
    const metadata = type === 'L' || type === 'K' || type === 'x' || type === 'g'
    // A PAX size overrides the header's for the entry it precedes, never for another metadata record.
    const size = (metadata ? undefined : this.paxSize) ?? readSize(block.subarray(124, 136))
    const padded = Math.ceil(size / BLOCK) * BLOCK
    if (metadata) {
      if (size > MAX_METADATA) throw new Error(`a tar metadata record of ${size} bytes is too large`)
      if (size === 0) return
      this.pending = { kind: type, size, padded }
      return
    }
    const ustar = block.subarray(257, 263).toString('latin1') === 'ustar\0'
    const prefix = ustar ? cString(block.subarray(345, 500)) : ''
    const headerName = cString(block.subarray(0, 100))
    const name = this.paxPath ?? this.longName ?? (prefix === '' ? headerName : `${prefix}/${headerName}`)
    const linkName = this.paxLink ?? this.longLink ?? cString(block.subarray(157, 257))
    this.paxPath = this.longName = this.paxLink = this.longLink = this.paxSize = undefined
    const entryType = tarType(type)
    const entry: ArchiveEntry =
      entryType === 'symlink' || entryType === 'hardlink'
        ? { name, type: entryType, linkName }
        : { name, type: entryType }
    this.entries.push(entry)
    this.keptLeft = 0
    if (entryType === 'file' && this.keep?.(entry) === true) {
      this.keptIndex = this.entries.length - 1
      this.keptLeft = size
      this.onData?.(this.keptIndex, Buffer.alloc(0))
    }
    // Links and directories carry no data; a size there is a malformed header, but skipping it is harmless.
    this.skip = padded
  }

  private readMetadata(pending: Pending, block: Buffer): void {
    this.pending = undefined
    const data = block.subarray(0, pending.size)
    if (pending.kind === 'L') this.longName = cString(data)
    else if (pending.kind === 'K') this.longLink = cString(data)
    else if (pending.kind === 'x') {
      const records = paxRecords(data)
      this.paxPath = records.get('path') ?? this.paxPath
      this.paxLink = records.get('linkpath') ?? this.paxLink
      const size = records.get('size')
      if (size !== undefined) {
        if (!/^\d+$/.test(size) || !Number.isSafeInteger(Number(size))) {
          throw new Error(`the tar archive has a malformed PAX size record ${JSON.stringify(size.slice(0, 40))}`)
        }
        this.paxSize = Number(size)
      }
    } else {
      // A global `path` would rename every later entry, a global `size` resize them; no release archive does that.
      const records = paxRecords(data)
      for (const key of ['path', 'size']) {
        if (records.has(key)) throw new Error(`the tar archive has a global PAX ${key} record`)
      }
    }
  }
}

function tarType(flag: string): EntryType {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file'
  if (flag === '5') return 'directory'
  if (flag === '2') return 'symlink'
  if (flag === '1') return 'hardlink'
  return 'other'
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8')
}

// Octal text, or GNU base-256 when the high bit of the first byte is set.
function readSize(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f
    for (const byte of field.subarray(1)) value = value * 256 + byte
    return value
  }
  const text = cString(field).trim()
  return text === '' ? 0 : parseInt(text, 8)
}

function checksumMatches(block: Buffer): boolean {
  const recorded = parseInt(cString(block.subarray(148, 156)).trim(), 8)
  let sum = 0
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 0x20 : (block[index] ?? 0)
  return recorded === sum
}

// "<length> <key>=<value>\n", the length counting the whole record in bytes.
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>()
  let offset = 0
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset)
    if (space === -1) break
    const length = parseInt(data.subarray(offset, space).toString('latin1'), 10)
    if (!Number.isSafeInteger(length) || length <= space - offset)
      throw new Error('the tar archive has a malformed PAX record')
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8')
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    offset += length
  }
  return records
}

/** The entries of a zip archive, read from its central directory (what unzip and Expand-Archive extract by). */
export function listZipEntries(zip: Buffer): ArchiveEntry[] {
  const end = findEndOfCentralDirectory(zip)
  const count = zip.readUInt16LE(end + 10)
  const offset = zip.readUInt32LE(end + 16)
  if (count === 0xffff || offset === 0xffffffff) throw new Error('zip64 archives are not supported')
  const entries: ArchiveEntry[] = []
  let cursor = offset
  for (let index = 0; index < count; index++) {
    if (cursor + 46 > zip.length || zip.readUInt32LE(cursor) !== 0x02014b50) {
      throw new Error('the zip central directory is malformed')
    }
    const madeBy = zip.readUInt16LE(cursor + 4)
    const utf8 = (zip.readUInt16LE(cursor + 8) & 0x800) !== 0
    const nameLength = zip.readUInt16LE(cursor + 28)
    const extraLength = zip.readUInt16LE(cursor + 30)
    const commentLength = zip.readUInt16LE(cursor + 32)
    const attributes = zip.readUInt32LE(cursor + 38)
    const name = zip.subarray(cursor + 46, cursor + 46 + nameLength).toString(utf8 ? 'utf8' : 'latin1')
    entries.push({ name, type: zipType(name, madeBy >> 8, attributes >>> 16) })
    cursor += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const last = zip.length - 22
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) return at
  }
  throw new Error('not a zip archive (no end of central directory record)')
}

// Unix-made zips keep the file mode in the high 16 bits of the external attributes.
function zipType(name: string, host: number, mode: number): EntryType {
  if (name.endsWith('/')) return 'directory'
  if (host !== 3 || mode === 0) return 'file'
  const kind = mode & 0o170000
  if (kind === 0o100000) return 'file'
  if (kind === 0o040000) return 'directory'
  if (kind === 0o120000) return 'symlink'
  return 'other'
}
