// What every benchmark prints: tables of figures, and one line per target, `name: value (target …) ok|over`.
// A figure that could not be measured is printed as `missing: <what>`, never as a number.

export const MB = 1024 * 1024

export function median(numbers: readonly number[]): number {
  if (numbers.length === 0) return Number.NaN
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export const mb = (bytes: number): string => (bytes / MB).toFixed(1)
export const ms = (milliseconds: number): string => milliseconds.toFixed(0)
export const ratio = (value: number, base: number): string => (value / base).toFixed(2)

export function printTable(title: string, rows: string[][]): void {
  console.log(`\n${title}`)
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)))
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
  }
}

export interface Target {
  name: string
  /** The measured value, already in the unit of `limit`. */
  value: number
  /** At most this is ok. */
  limit: number
  /** How value and limit read: `1.32×`, `12 requests`. */
  unit: (value: number) => string
  /** Wanted exactly `limit`, not at most. */
  exact?: boolean
  /** Said after the target, e.g. the same ratio in CPU time. */
  detail?: string
}

/** Every target line of the run, printed again together at the end. */
export const targetLines: string[] = []

export function target(t: Target): string {
  const met = t.exact ? t.value === t.limit : t.value <= t.limit
  const line =
    `${t.name}: ${t.unit(t.value)} (target ${t.exact ? '' : '≤ '}${t.unit(t.limit)}${t.detail ?? ''}) ` +
    (met ? 'ok' : 'over')
  console.log(line)
  targetLines.push(line)
  return line
}

export function missing(name: string, what: string): string {
  const line = `${name}: missing: ${what}`
  console.log(line)
  targetLines.push(line)
  return line
}

/** A figure without a target, kept with the target lines at the end. */
export function note(line: string): void {
  console.log(line)
  targetLines.push(line)
}

export const times = (digits: number) => (value: number) => `${value.toFixed(digits)}×`
