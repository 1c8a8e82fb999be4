// Reads a .trivyignore.yaml into exceptions: the `vulnerabilities` entries (id, statement, expired_at, paths, purls).
// The other sections (misconfigurations, secrets, licenses) do not concern the gate and are reported as not applied.
import { LineCounter, isNode, isSeq, parseDocument } from 'yaml'
import { InputError, errorMessage } from '../errors.js'
import { globToRegExp, parsePurl } from './patterns.js'
import type { Exception, ParsedIgnoreFile } from './verdict.js'

const NOT_GATED = ['misconfigurations', 'secrets', 'licenses']
const ENTRY_KEYS = ['id', 'statement', 'expired_at', 'paths', 'purls']

type Mapping = Record<string, unknown>

export function parseIgnoreYaml(text: string, fileName: string): ParsedIgnoreFile {
  const lineCounter = new LineCounter()
  let content: unknown
  let document: ReturnType<typeof parseDocument>
  try {
    document = parseDocument(text, { lineCounter, uniqueKeys: true })
    const [error] = document.errors
    if (error) throw new Error(error.message.split('\n')[0]?.replace(/:$/, ''))
    content = document.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new InputError('ignore-file', fileName, `must be valid YAML: ${errorMessage(error)}`)
  }
  const warnings: string[] = []
  if (content === null || content === undefined) {
    return { exceptions: [], warnings: [`${fileName} is empty: no exceptions apply`] }
  }
  if (!isMapping(content)) {
    throw new InputError('ignore-file', fileName, 'must be a YAML mapping with a `vulnerabilities` list')
  }
  for (const [section, entries] of Object.entries(content)) {
    if (section === 'vulnerabilities') continue
    if (!NOT_GATED.includes(section)) {
      warnings.push(`${fileName}: \`${section}\` is not a section of a .trivyignore.yaml and is not read`)
    } else if (Array.isArray(entries) && entries.length > 0) {
      warnings.push(
        `${fileName}: the ${entries.length} \`${section}\` entries are not applied (vouch gates vulnerabilities)`,
      )
    }
  }

  const list = content.vulnerabilities
  if (list === undefined || list === null) {
    warnings.push(`${fileName} has no \`vulnerabilities\` entries: no exceptions apply`)
    return { exceptions: [], warnings }
  }
  if (!Array.isArray(list)) {
    throw new InputError('ignore-file', fileName, '`vulnerabilities` must be a list of entries with an `id`')
  }
  const nodes = document.get('vulnerabilities', true)
  const exceptions = list.map((entry: unknown, index) => {
    const item: unknown = isSeq(nodes) ? nodes.items[index] : undefined
    const range = isNode(item) ? item.range : undefined
    const source = range ? `${fileName}:${lineCounter.linePos(range[0]).line}` : `${fileName} entry ${index + 1}`
    return readEntry(entry, source, warnings)
  })
  return { exceptions, warnings }
}

function readEntry(entry: unknown, source: string, warnings: string[]): Exception {
  const bad = (value: unknown, why: string): InputError =>
    new InputError(
      'ignore-file',
      typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
      `at ${source}: ${why}`,
    )
  if (!isMapping(entry)) throw bad(entry, 'an entry must be a mapping with an `id`')
  const { id, statement, expired_at: expiredAt, paths, purls } = entry
  if (typeof id !== 'string' || id.trim() === '') {
    // Recent Trivy accepts entries with only paths or purls; vouch wants each exception tied to one vulnerability.
    throw bad(id ?? entry, 'the entry needs an `id`, the vulnerability it accepts')
  }
  const exception: Exception = { id: id.trim(), source }
  if (statement !== undefined && statement !== null) {
    if (typeof statement !== 'string') throw bad(statement, '`statement` must be text')
    if (statement.trim() !== '') exception.statement = statement.trim()
  }
  if (expiredAt !== undefined && expiredAt !== null) {
    const day = expiryDay(expiredAt)
    if (day === undefined) throw bad(expiredAt, '`expired_at` must be a date, YYYY-MM-DD')
    exception.expiresOn = day
  }
  const pathList = readStrings(paths, (text) => globToRegExp(text) !== undefined, bad, '`paths` must be path globs')
  if (pathList.length > 0) exception.paths = pathList
  const purlList = readStrings(purls, (text) => parsePurl(text) !== undefined, bad, '`purls` must be package URLs')
  if (purlList.length > 0) exception.purls = purlList
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.includes(key)) warnings.push(`${source}: \`${key}\` is not a field of an entry and is not read`)
  }
  return exception
}

function readStrings(
  value: unknown,
  valid: (text: string) => boolean,
  bad: (value: unknown, why: string) => InputError,
  expectation: string,
): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw bad(value, `${expectation} in a list`)
  for (const item of value) {
    if (typeof item !== 'string' || !valid(item)) throw bad(item, expectation)
  }
  return value as string[]
}

/** The UTC day of `expired_at`: a YAML date (text in YAML 1.2, a Date under !!timestamp) or an ISO timestamp. */
function expiryDay(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10)
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (isCalendarDate(text)) return text
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text)) return undefined
  const instant = new Date(text.replace(' ', 'T'))
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString().slice(0, 10)
}

/** YYYY-MM-DD naming a day that exists. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}
