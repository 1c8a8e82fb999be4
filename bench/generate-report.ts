// Writes a large Trivy report (SchemaVersion 2) for the benchmark by replicating the real vulnerability entries of
// the reference corpus, varied deterministically so that the copies are distinct findings (plus a few duplicates).
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'
import type { Exception } from '../src/report/verdict.js'

type Json = Record<string, unknown>

/** One result of a corpus report: where its entries were found, and the entries themselves. */
interface BaseResult {
  target: string
  resultClass: unknown
  resultType: unknown
  vulnerabilities: Json[]
  modified: Json[]
}

export interface GeneratedReport {
  bytes: number
  results: number
  entries: number
  /** Entries written a second time, in another result: the same finding, to be counted once. */
  duplicates: number
  /** Exceptions naming findings of this report, as a user's ignore file would. */
  exceptions: Exception[]
}

// Each generated result holds about this many entries, as a large image's OS or lockfile result does.
const ENTRIES_PER_RESULT = 50
// Every DUPLICATE_EVERY-th entry is written again in the next result.
const DUPLICATE_EVERY = 20
const EXCEPTIONS = 60

export function generateReport(
  corpusDir: string,
  file: string,
  options: { bytes: number; digest: string },
): GeneratedReport {
  const { top, bases } = readCorpus(corpusDir)
  const reference = `registry.example/bench/app@${options.digest}`
  const header = JSON.stringify(
    { ...top, ArtifactName: reference, Metadata: { ...(top.Metadata as Json), RepoDigests: [reference] }, Results: [] },
    null,
    2,
  )
  const opening = header.replace(/"Results": \[\]\n\}$/, '"Results": [\n')
  const fd = openSync(file, 'w')
  const written: GeneratedReport = { bytes: 0, results: 0, entries: 0, duplicates: 0, exceptions: [] }
  const write = (text: string): void => {
    written.bytes += writeSync(fd, text)
  }
  try {
    write(opening)
    let pending: Json[] = []
    for (let index = 0; written.bytes < options.bytes; index++) {
      const base = bases[index % bases.length] as BaseResult
      const cycle = Math.floor(index / bases.length)
      const rounds = Math.max(1, Math.round(ENTRIES_PER_RESULT / base.vulnerabilities.length))
      const vulnerabilities: Json[] = pending
      written.duplicates += pending.length
      pending = []
      for (let round = 0; round < rounds; round++) {
        for (const entry of base.vulnerabilities) {
          const copy = vary(entry, cycle * rounds + round)
          vulnerabilities.push(copy)
          if (++written.entries % DUPLICATE_EVERY === 0) pending.push(copy)
        }
      }
      const target = cycle === 0 ? base.target : `srv/app${cycle}/${base.target}`
      const result: Json = {
        Target: target,
        Class: base.resultClass,
        Type: base.resultType,
        Vulnerabilities: vulnerabilities,
      }
      if (base.modified.length > 0) {
        result.ExperimentalModifiedFindings = base.modified.map((entry) => ({
          ...entry,
          Finding: vary(entry.Finding as Json, cycle),
        }))
      }
      if (written.exceptions.length < EXCEPTIONS) {
        written.exceptions.push(exceptionFor(vulnerabilities.at(-1), target, written.exceptions.length))
      }
      write(`${index === 0 ? '' : ',\n'}${indent(JSON.stringify(result, null, 2), '    ')}`)
      written.results++
    }
    write('\n  ]\n}\n')
  } finally {
    closeSync(fd)
  }
  return written
}

/** The entry as a different finding: its ID, package, version and path shifted by `variant` (0 is the original). */
function vary(entry: Json, variant: number): Json {
  if (variant === 0) return entry
  const copy: Json = { ...entry }
  const id = String(entry.VulnerabilityID)
  const numbered = /^(.*-)(\d+)$/.exec(id)
  // A step larger than any sequence number of the corpus, so that no copy takes the ID of another entry.
  copy.VulnerabilityID = numbered ? `${numbered[1]}${Number(numbered[2]) + variant * 100_000}` : `${id}-${variant}`
  const name = `${String(entry.PkgName)}${variant % 4 === 0 ? '' : `-${variant % 4}`}`
  const version = `${String(entry.InstalledVersion)}${variant % 3 === 0 ? '' : `.${variant % 3}`}`
  copy.PkgName = name
  copy.InstalledVersion = version
  if (typeof entry.PkgID === 'string') copy.PkgID = `${name}@${version}`
  if (typeof entry.PkgPath === 'string') copy.PkgPath = `srv/app${variant}/${entry.PkgPath}`
  const identifier = entry.PkgIdentifier as Json | undefined
  if (typeof identifier?.PURL === 'string') {
    const purl = identifier.PURL.replace(
      /\/[^/@?#]+@[^?#]*/,
      `/${encodeURIComponent(name)}@${encodeURIComponent(version)}`,
    )
    copy.PkgIdentifier = { ...identifier, PURL: purl }
  }
  return copy
}

/** Exceptions of every kind the gate reads: by ID, by ID and path, by ID and PURL, and expired ones. */
function exceptionFor(entry: Json | undefined, target: string, index: number): Exception {
  const id = String(entry?.VulnerabilityID)
  const exception: Exception = { id, source: `.trivyignore.yaml:${index + 1}`, statement: 'accepted for the benchmark' }
  if (index % 4 === 1) exception.paths = [`${target.split('/').slice(0, 2).join('/')}/**`]
  const purl = (entry?.PkgIdentifier as Json | undefined)?.PURL
  if (index % 4 === 2 && typeof purl === 'string') exception.purls = [purl.replace(/@.*$/, '')]
  exception.expiresOn = index % 4 === 3 ? '2020-01-01' : '2099-12-31'
  return exception
}

function indent(text: string, by: string): string {
  return by + text.replaceAll('\n', `\n${by}`)
}

/** Every distinct result with vulnerabilities in the SchemaVersion 2 reports of the corpus, and one report's top. */
function readCorpus(dir: string): { top: Json; bases: BaseResult[] } {
  const seen = new Set<string>()
  const bases: BaseResult[] = []
  let top: Json | undefined
  for (const file of listFiles(dir).sort()) {
    let report: Json
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as Json
    } catch {
      continue // the corpus also holds YAML and cut-short reports
    }
    if (report?.SchemaVersion !== 2 || !Array.isArray(report.Results)) continue
    if (top === undefined && report.ArtifactType === 'container_image') top = { ...report, Results: undefined }
    for (const result of report.Results as Json[]) {
      const vulnerabilities = (result.Vulnerabilities as Json[] | undefined) ?? []
      const modified = ((result.ExperimentalModifiedFindings as Json[] | undefined) ?? []).filter(
        (entry) => entry.Type === 'vulnerability',
      )
      // Several corpus reports scan the same image: keep each finding once, so that only the intended copies repeat.
      const fresh = vulnerabilities.filter((entry) => {
        const pkg = entry.PkgID ?? `${String(entry.PkgName)}@${String(entry.InstalledVersion)}`
        const key = [entry.VulnerabilityID, pkg, entry.PkgPath].join(' ')
        return !seen.has(key) && seen.add(key)
      })
      if (fresh.length === 0) continue
      const base = { target: String(result.Target), resultClass: result.Class, resultType: result.Type }
      bases.push({ ...base, vulnerabilities: fresh, modified })
    }
  }
  if (top === undefined || bases.length === 0) {
    throw new Error(`no SchemaVersion 2 image report with findings in ${dir}`)
  }
  return { top, bases }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? listFiles(full) : [full]
  })
}
