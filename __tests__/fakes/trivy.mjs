#!/usr/bin/env node
// A stand-in `trivy` for tests: prints the real version formats, "downloads" a DB into --cache-dir, writes a given
// report for `image`, and fails the way the real tool does when $VOUCH_FAKE_TRIVY_FAIL asks it to. Exit codes as
// Trivy: 0 success, 1 fatal error (2 for a Go panic).
//
// Environment:
//   VOUCH_FAKE_LOG                    append one JSON line per invocation (see lib.mjs)
//   VOUCH_FAKE_TRIVY_REPORTS          {"sha256:…": "/a.json", "linux/arm64": "/b.json", "default": "/c.json"}
//   VOUCH_FAKE_TRIVY_KEEP_ARTIFACT=1  write the report exactly as given (no ArtifactName / RepoDigests rewrite)
//   VOUCH_FAKE_TRIVY_DB_STALE=1       download the DB again unless --skip-db-update
//   VOUCH_FAKE_TRIVY_DB_UPDATED_AT    UpdatedAt of the DB it downloads (RFC 3339)
//   VOUCH_FAKE_TRIVY_FAIL             toomanyrequests | toomanyrequests-once | crash | malformed | timeout
//   VOUCH_FAKE_TRIVY_SCAN_MS          how long `image` takes before it writes its report (for ordering tests)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { setTimeout } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import process from 'node:process'
import { addHours, goTimeJson, goTimeString, isTrue, logInvocation, logLine } from './lib.mjs'
import { FlagError, parseFlags } from './pflag.mjs'
import { TRIVY_FLAGS } from './trivy-flags.mjs'

/** Replaced with the release's version (no `v`) when __tests__/support/tools.ts packs this script. */
export const VERSION = '0.0.0-dev'

export const DEFAULT_DB_UPDATED_AT = '2026-08-21T06:13:29.475327118Z'
const DEFAULT_DB_REPOSITORIES = 'mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2'

export async function main(argv) {
  logInvocation('trivy', argv)
  // cobra finds the subcommand, then parses every flag with its flag set (trivy-flags.mjs); an unknown flag or a bad
  // value prints the usage on stdout and pflag's message as a FATAL log line, exit 1 (checked against v0.74.0).
  const image = argv[0] === 'image' || argv[0] === 'i'
  let parsed
  try {
    parsed = parseFlags(image ? argv.slice(1) : argv, image ? TRIVY_FLAGS.image : TRIVY_FLAGS.root)
  } catch (error) {
    if (!(error instanceof FlagError)) throw error
    process.stdout.write(
      image
        ? 'Scan a container image\n\nUsage:\n  trivy image [flags] IMAGE_NAME\n'
        : 'Usage:\n  trivy [global flags] command [flags] target\n',
    )
    return fatal(error.message)
  }
  // Flags win over Trivy's TRIVY_* environment variables, as in the real CLI; values as the command line wrote them.
  const option = (name) => {
    if (parsed.changed.has(name)) {
      const value = parsed.values.get(name)
      return Array.isArray(value) ? value.join(',') : String(value)
    }
    return process.env[`TRIVY_${name.toUpperCase().replaceAll('-', '_')}`]
  }
  const cacheDir = option('cache-dir') ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trivy')

  if (image) {
    const scanning = Number(process.env.VOUCH_FAKE_TRIVY_SCAN_MS ?? 0)
    if (scanning > 0) await setTimeout(scanning)
    return scanImage(parsed.positionals, option, cacheDir)
  }
  const [command] = parsed.positionals
  if (isTrue(option('version')) || command === 'version') return printVersion(cacheDir, option('format'))
  if (command === undefined) {
    process.stdout.write('Scanner for vulnerabilities in container images, file systems, and Git repositories\n')
    return 0
  }
  process.stderr.write(`Error: unknown command "${command}" for "trivy"\nRun 'trivy --help' for usage.\n`)
  return 1
}

function readDbMetadata(cacheDir) {
  try {
    const meta = JSON.parse(readFileSync(join(cacheDir, 'db', 'metadata.json'), 'utf8'))
    return meta.Version && meta.UpdatedAt && meta.NextUpdate ? meta : undefined
  } catch {
    return undefined
  }
}

// pkg/types/version.go: VersionInfo.String() and the JSON encoding of the same struct.
function printVersion(cacheDir, format) {
  const db = readDbMetadata(cacheDir)
  if (format === 'json') {
    const info = { Version: VERSION }
    if (db) {
      info.VulnerabilityDB = {
        Version: db.Version,
        NextUpdate: goTimeJson(db.NextUpdate),
        UpdatedAt: goTimeJson(db.UpdatedAt),
        DownloadedAt: goTimeJson(db.DownloadedAt ?? '0001-01-01T00:00:00Z'),
      }
    }
    process.stdout.write(`${JSON.stringify(info)}\n`)
    return 0
  }
  let text = `Version: ${VERSION}\n`
  if (db) {
    text +=
      `Vulnerability DB:\n  Version: ${db.Version}\n  UpdatedAt: ${goTimeString(db.UpdatedAt)}\n` +
      `  NextUpdate: ${goTimeString(db.NextUpdate)}\n  DownloadedAt: ${goTimeString(db.DownloadedAt ?? '0001-01-01T00:00:00Z')}\n`
  }
  process.stdout.write(text)
  return 0
}

function fatal(message) {
  logLine('FATAL', `Fatal error\t${message}`)
  return 1
}

function stateFile(cacheDir) {
  return process.env.VOUCH_FAKE_LOG
    ? `${process.env.VOUCH_FAKE_LOG}.trivy-state.json`
    : join(cacheDir, 'vouch-fake-state.json')
}

/** True the first time only: `toomanyrequests-once` fails one DB download per state file. */
function firstFailure(cacheDir) {
  const path = stateFile(cacheDir)
  let state = { dbDownloadFailures: 0 }
  try {
    state = JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    // No state yet: this is the first download.
  }
  if (state.dbDownloadFailures > 0) return false
  writeFileSync(path, JSON.stringify({ dbDownloadFailures: 1 }))
  return true
}

// pkg/db: Need to update DB -> Downloading -> per repository, until one works; then metadata.json + trivy.db.
function ensureDb(cacheDir, option, fault) {
  const dbDir = join(cacheDir, 'db')
  const present = existsSync(join(dbDir, 'metadata.json'))
  const skip = isTrue(option('skip-db-update'))
  if (!present && skip) {
    logLine('ERROR', '[vulndb] The first run cannot skip downloading DB')
    return fatal('run error: init error: DB error: --skip-db-update cannot be specified on the first run')
  }
  if (present && (skip || !isTrue(process.env.VOUCH_FAKE_TRIVY_DB_STALE))) return 0

  logLine('INFO', '[vulndb] Need to update DB')
  logLine('INFO', '[vulndb] Downloading vulnerability DB...')
  const repositories = (option('db-repository') ?? DEFAULT_DB_REPOSITORIES)
    .split(',')
    .map((repo) => repo.trim())
    .filter(Boolean)
  if (fault === 'toomanyrequests' || (fault === 'toomanyrequests-once' && firstFailure(cacheDir))) {
    // trivy v0.74.0 pkg/oci/artifact.go (Artifacts.Download): a temporary error moves on to the next repository,
    // and when none is left the FATAL line lists every error (hashicorp/go-multierror's format).
    const errors = []
    repositories.forEach((repository, index) => {
      const [, host, path, tag = 'latest'] = /^([^/]+)\/(.+?)(?::([^:/]+))?$/.exec(repository) ?? []
      const error =
        'OCI repository error: 1 error occurred:\n\t* ' +
        `GET https://${host}/v2/${path}/manifests/${tag}: TOOMANYREQUESTS: retry-after: 78.409µs, allowed: 44000/minute\n\n`
      errors.push(error)
      logLine('INFO', `[vulndb] Downloading artifact...\trepo="${repository}"`)
      logLine(
        'ERROR',
        `[vulndb] Failed to download artifact\trepo="${repository}" err="${error.replaceAll('\n', '\\n').replaceAll('\t', '\\t')}"`,
      )
      if (index < repositories.length - 1)
        logLine('INFO', '[vulndb] Trying to download artifact from other repository...')
    })
    const count = `${errors.length} error${errors.length === 1 ? '' : 's'} occurred:`
    return fatal(
      'run error: init error: DB error: failed to download vulnerability DB: OCI artifact error: ' +
        `failed to download vulnerability DB: failed to download artifact from any source: ${count}\n` +
        errors.map((error) => `\t* ${error}`).join('\n'),
    )
  }
  logLine('INFO', `[vulndb] Downloading artifact...\trepo="${repositories[0]}"`)
  const updatedAt = process.env.VOUCH_FAKE_TRIVY_DB_UPDATED_AT || DEFAULT_DB_UPDATED_AT
  mkdirSync(dbDir, { recursive: true })
  const metadata = {
    Version: 2,
    NextUpdate: goTimeJson(addHours(updatedAt, 24)),
    UpdatedAt: goTimeJson(updatedAt),
    DownloadedAt: new Date().toISOString(),
  }
  writeFileSync(join(dbDir, 'metadata.json'), JSON.stringify(metadata))
  writeFileSync(join(dbDir, 'trivy.db'), 'vouch stand-in trivy vulnerability DB\n')
  logLine('INFO', `[vulndb] Artifact successfully downloaded\trepo="${repositories[0]}"`)
  return 0
}

// `registry/repo:tag@sha256:…` -> `registry/repo@sha256:…`, as Trivy records RepoDigests.
function repoDigest(ref) {
  const at = ref.indexOf('@')
  if (at === -1) return undefined
  const name = ref.slice(0, at)
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  return `${colon > slash ? name.slice(0, colon) : name}@${ref.slice(at + 1)}`
}

function writeOutput(output, text) {
  if (output) writeFileSync(output, text)
  else process.stdout.write(text)
}

function scanImage(positionals, option, cacheDir) {
  const ref = positionals[positionals.length - 1]
  if (ref === undefined) return fatal('image scan error: require at least 1 argument')
  const fault = process.env.VOUCH_FAKE_TRIVY_FAIL
  const dbExit = ensureDb(cacheDir, option, fault)
  if (dbExit !== 0 || isTrue(option('download-db-only'))) return dbExit

  logLine('INFO', '[vuln] Vulnerability scanning is enabled')
  if (fault === 'crash') {
    process.stderr.write(
      'panic: runtime error: invalid memory address or nil pointer dereference\n' +
        '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1c3d5a4]\n\n' +
        'goroutine 1 [running]:\n' +
        'github.com/aquasecurity/trivy/pkg/commands/artifact.(*runner).ScanImage(0x0, {0x5a1b2c0, 0xc000a1e0f0})\n' +
        '\t/home/runner/work/trivy/trivy/pkg/commands/artifact/run.go:262 +0x44\n' +
        'main.main()\n\t/home/runner/work/trivy/trivy/cmd/trivy/main.go:19 +0x3c\n',
    )
    return 2
  }
  if (fault === 'timeout') {
    const minor = VERSION.split('.').slice(0, 2).join('.')
    logLine('WARN', `Provide a higher timeout value, see https://trivy.dev/v${minor}/docs/configuration`)
    return fatal(
      'run error: image scan error: scan error: scan failed: failed analysis: analyze error: pipeline error: ' +
        'failed to analyze layer (sha256:6b5c1f5ab0c2f5e1b7c0d5c3b4a0f2e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3): walk error: context deadline exceeded',
    )
  }
  const output = option('output')
  if (fault === 'malformed') {
    writeOutput(output, '{"SchemaVersion": 2, "Results": [')
    return 0
  }
  const format = option('format') ?? 'table'
  if (format !== 'json') return fatal(`vouch stand-in trivy writes only --format json, not ${format}`)

  let reports
  try {
    reports = JSON.parse(process.env.VOUCH_FAKE_TRIVY_REPORTS ?? '{}')
  } catch {
    return fatal('vouch stand-in trivy: VOUCH_FAKE_TRIVY_REPORTS is not a JSON object')
  }
  // By the digest scanned (`sha256:…`, how vouch scans each image of an index), else by --platform, else default.
  const scanned = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : undefined
  const platform = option('platform') ?? 'default'
  const reportPath = (scanned === undefined ? undefined : reports[scanned]) ?? reports[platform] ?? reports.default
  if (reportPath === undefined)
    return fatal(`vouch stand-in trivy: VOUCH_FAKE_TRIVY_REPORTS has no report for ${scanned ?? platform} or default`)
  const raw = readFileSync(reportPath, 'utf8')
  const report = JSON.parse(raw)
  if (Array.isArray(report) || isTrue(process.env.VOUCH_FAKE_TRIVY_KEEP_ARTIFACT)) {
    writeOutput(output, raw)
    return 0
  }
  report.ArtifactName = ref
  const digest = repoDigest(ref)
  if (digest !== undefined) report.Metadata = { ...(report.Metadata ?? {}), RepoDigests: [digest] }
  writeOutput(output, `${JSON.stringify(report, null, 2)}\n`)
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
