// Shared by the stand-in trivy and cosign: the invocation log and Go-style time text (flags: pflag.mjs).
// Protocol (other tests build on it): every run appends one JSON line to $VOUCH_FAKE_LOG:
//   {"tool":"trivy","argv":[...],"env":[sorted names only, never values],"cwd":"...","time":<ms>}
import { appendFileSync } from 'node:fs'
import process from 'node:process'

export function logInvocation(tool, argv) {
  const log = process.env.VOUCH_FAKE_LOG
  if (!log) return
  const line = { tool, argv, env: Object.keys(process.env).sort(), cwd: process.cwd(), time: Date.now() }
  appendFileSync(log, `${JSON.stringify(line)}\n`)
}

export function isTrue(value) {
  return value !== undefined && value !== 'false' && value !== '0' && value !== ''
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/

/** Go's time.Time.String() of a UTC time: `2023-07-20 12:11:37.696263932 +0000 UTC` (fraction trimmed). */
export function goTimeString(rfc3339) {
  const { seconds, fraction } = splitTime(rfc3339)
  const text = seconds.toISOString().slice(0, 19).replace('T', ' ')
  const trimmed = fraction.replace(/0+$/, '')
  return `${text}${trimmed ? `.${trimmed}` : ''} +0000 UTC`
}

/** RFC 3339 in UTC with the nanoseconds kept, as Go's JSON encoding writes time.Time. */
export function goTimeJson(rfc3339) {
  const { seconds, fraction } = splitTime(rfc3339)
  const trimmed = fraction.replace(/0+$/, '')
  return `${seconds.toISOString().slice(0, 19)}${trimmed ? `.${trimmed}` : ''}Z`
}

/** Adds whole hours, keeping the sub-second digits that a JS Date would lose. */
export function addHours(rfc3339, hours) {
  const { seconds, fraction } = splitTime(rfc3339)
  const later = new Date(seconds.getTime() + hours * 3_600_000)
  return `${later.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`
}

function splitTime(rfc3339) {
  const match = RFC3339.exec(rfc3339)
  if (match === null) throw new Error(`not an RFC 3339 time: ${rfc3339}`)
  const [, whole, fraction = '', zone] = match
  return { seconds: new Date(`${whole}${zone}`), fraction }
}

/** A Trivy/Go-style log line on stderr: `2026-08-22T10:00:00Z\tINFO\t[vulndb] Need to update DB`. */
export function logLine(level, message) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  process.stderr.write(`${now}\t${level}\t${message}\n`)
}
