// The Trivy vulnerability DB as vouch sees it: its metadata, its age, whether a failed run was a DB download
// that may be retried or replaced by a cached copy; and what else Trivy's stderr says. Pure: text in, data out.

/** `<cache-dir>/db/metadata.json`, as trivy-db writes it (Go RFC 3339 times with nanoseconds). */
export interface DbMetadata {
  version?: number
  /** When the DB was built, exactly as Trivy wrote it (RFC 3339). */
  updatedAt: string
  nextUpdate?: string
  downloadedAt?: string
}

/** A cached DB older than this is not used when the download fails: stale data would pass new CVEs. */
export const MAX_FALLBACK_AGE_HOURS = 7 * 24

const HOUR_MS = 3_600_000

/** Undefined when the text is not a metadata document with a readable `UpdatedAt`. */
export function parseDbMetadata(json: string): DbMetadata | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const fields = parsed as Record<string, unknown>
  const updatedAt = fields['UpdatedAt']
  if (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))) return undefined
  const text = (name: string): string | undefined => {
    const value = fields[name]
    return typeof value === 'string' ? value : undefined
  }
  const version = fields['Version']
  const nextUpdate = text('NextUpdate')
  const downloadedAt = text('DownloadedAt')
  return {
    ...(typeof version === 'number' ? { version } : {}),
    updatedAt,
    ...(nextUpdate === undefined ? {} : { nextUpdate }),
    ...(downloadedAt === undefined ? {} : { downloadedAt }),
  }
}

/** Hours since the DB was built (not since it was downloaded: a fresh download of an old DB is still old). */
export function dbAgeHours(meta: DbMetadata, now: Date): number {
  // A clock a little behind the DB's builder must not make the DB look younger than new.
  return Math.max(0, (now.getTime() - Date.parse(meta.updatedAt)) / HOUR_MS)
}

export type FallbackDecision =
  | { use: true; ageHours: number }
  | { use: false; reason: 'missing' }
  | { use: false; reason: 'too-old'; ageHours: number }

/** Whether a run may fall back to the DB already in the cache after its download failed. */
export function decideFallback(meta: DbMetadata | undefined, now: Date): FallbackDecision {
  if (meta === undefined) return { use: false, reason: 'missing' }
  const ageHours = dbAgeHours(meta, now)
  return ageHours < MAX_FALLBACK_AGE_HOURS ? { use: true, ageHours } : { use: false, reason: 'too-old', ageHours }
}

// Where Trivy says the failure happened while fetching a DB, vulnerability or Java, in the wordings of
// v0.2x–v0.74: "init error: DB error: failed to download vulnerability DB: …", "[vulndb] Failed to download
// artifact", "Java DB update failed: … failed to download Java DB", "database download error: …".
const DB_DOWNLOAD = [
  /failed to download (?:the )?(?:vulnerability|Java) DB/i,
  /\[(?:vulndb|javadb)\] Failed to download artifact/i,
  /Java DB update failed/i,
  /database download error/i,
]

// "DB error: 503 Service Unavailable" and its kin: a DB error caused by the network or the registry's load.
const TRANSIENT =
  /TOOMANYREQUESTS|\b429\b|\b5\d\d\b|UNAVAILABLE|service unavailable|context deadline exceeded|i\/o timeout|timeout|connection reset|connection refused|unexpected EOF/i

/**
 * Whether Trivy's stderr tells of a DB that could not be downloaded: a rate limit, a registry error, a network
 * timeout. Only failures in the DB's own context count: a TOOMANYREQUESTS from the scanned image's registry
 * is not one, and neither is a DB schema mismatch, which no retry cures.
 */
export function isDbDownloadFailure(stderr: string): boolean {
  const fatal = fatalPart(stderr)
  if (DB_DOWNLOAD.some((pattern) => pattern.test(fatal))) return true
  return fatal.split('\n').some((line) => /\bDB error\b/.test(line) && TRANSIENT.test(line))
}

/** A DB download failure of the Java DB (fetched while scanning JAR files), which `--skip-db-update` leaves alone. */
export function isJavaDbFailure(stderr: string): boolean {
  return isDbDownloadFailure(stderr) && /Java DB/i.test(fatalPart(stderr))
}

// Trivy logs a failed DB mirror as ERROR and moves on to the next one; only the FATAL message (which may run
// over several lines) says why the run ended. Without one, the whole text is all there is to go on.
function fatalPart(stderr: string): string {
  const start = stderr.search(/\bFATAL\b/)
  return start === -1 ? stderr : stderr.slice(start)
}

/** Trivy's own `--timeout` ran out: it warns before the fatal line (v0.2x wording, then v0.5x+ wording). */
export function isScanTimeout(stderr: string): boolean {
  return /Increase --timeout value|Provide a higher timeout value/i.test(stderr)
}

/** "40 minutes", "5 hours", "3 days": for a warning that says how old the fallback DB is. */
export function describeDbAge(hours: number): string {
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60))
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  if (hours < 48) {
    const whole = Math.floor(hours)
    return `${whole} hour${whole === 1 ? '' : 's'}`
  }
  return `${Math.floor(hours / 24)} days`
}

/** The mirror Trivy says it downloaded the DB from (v0.57+ logs it); undefined when it downloaded nothing. */
export function downloadedFrom(stderr: string): string | undefined {
  return /\[vulndb\] Artifact successfully downloaded\s+repo="([^"]+)"/.exec(stderr)?.[1]
}

// Trivy colours its log levels when it thinks it writes to a terminal.
const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g')

/** The last lines Trivy wrote, without colours or progress-bar redraws: what says why it stopped. */
export function stderrTail(stderr: string, lines: number): string {
  return stderr
    .replace(ANSI_COLOUR, '')
    .split('\n')
    .map((line) => (line.split('\r').pop() ?? '').trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n')
}

/** Trivy's DB is rebuilt every few hours and promises its next update within a day; more than this is forged. */
export const MAX_UPDATE_INTERVAL_HOURS = 48

/**
 * Why a DB restored from a cache must not be used, or undefined when it may. Trivy skips its update while
 * NextUpdate lies ahead, so a cache entry whose NextUpdate is far away (or that claims to come from the future)
 * would freeze the DB for good: whoever can write the cache could hide every new CVE. The same holds for the Java
 * DB, whose metadata.json has the same fields (trivy-java-db pkg/db/metadata.go).
 */
export function distrustedDb(meta: DbMetadata, now: Date): string | undefined {
  const updated = Date.parse(meta.updatedAt)
  if (Number.isNaN(updated)) return `its UpdatedAt ${JSON.stringify(meta.updatedAt)} is not a time`
  if (updated > now.getTime() + HOUR_MS) return `it claims to be built in the future (${meta.updatedAt})`
  // Trivy also skips its update for a while after DownloadedAt (an hour for the DB, a day for the Java DB): a
  // DownloadedAt in the future freezes it just the same.
  const downloaded = meta.downloadedAt === undefined ? Number.NaN : Date.parse(meta.downloadedAt)
  if (downloaded > now.getTime() + HOUR_MS) return `it claims to be downloaded in the future (${meta.downloadedAt})`
  if (meta.nextUpdate === undefined) return undefined
  const next = Date.parse(meta.nextUpdate)
  if (Number.isNaN(next) || next - updated > MAX_UPDATE_INTERVAL_HOURS * HOUR_MS) {
    return `its NextUpdate (${meta.nextUpdate}) is more than ${MAX_UPDATE_INTERVAL_HOURS} hours after its UpdatedAt (${meta.updatedAt})`
  }
  return undefined
}
