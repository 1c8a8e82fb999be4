// The real-tool tier's Trivy DB: test/e2e/trivydb (a small Go program on bbolt) writes it from advisories.json, the
// global setup builds that program once per source hash and packs the DB, and pushTrivyDb serves it from a loopback
// registry as the OCI artifact Trivy downloads.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pushArtifact, type PushedManifest } from '../../support/push.js'
import type { RegistryCredentials } from '../../support/registry.js'
import { repoRoot } from '../../harness/run-action.js'
import { e2eCache } from './real-tools.js'

export const TRIVYDB_SOURCE = path.join(repoRoot, 'test/e2e/trivydb')

/**
 * trivy v0.74.0 pkg/db/db.go: `dbMediaType`; pkg/oci/artifact.go takes the single layer of that media type and names
 * the downloaded file after its `org.opencontainers.image.title` annotation. The config type is trivy-db's own.
 */
export const TRIVY_DB_LAYER = 'application/vnd.aquasec.trivy.db.layer.v1.tar+gzip'
export const TRIVY_DB_CONFIG = 'application/vnd.aquasec.trivy.config.v1+json'

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN'

export interface Advisory {
  origin: string
  id: string
  fixedVersion: string
  severity: Severity
  title: string
}

/** What the test DB holds (test/e2e/trivydb/advisories.json). */
export const ADVISORIES: { platform: string; advisories: Advisory[] } = JSON.parse(
  readFileSync(path.join(TRIVYDB_SOURCE, 'advisories.json'), 'utf8'),
) as { platform: string; advisories: Advisory[] }

export function advisory(id: string): Advisory {
  const found = ADVISORIES.advisories.find((entry) => entry.id === id)
  if (found === undefined) throw new Error(`${id} is not in test/e2e/trivydb/advisories.json`)
  return found
}

/** The folder of the program's sources hashed: a changed advisory or line of Go rebuilds it. */
function sourceHash(): string {
  const hash = createHash('sha256')
  for (const name of readdirSync(TRIVYDB_SOURCE).sort()) {
    if (!/\.(go|mod|sum)$/.test(name)) continue
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(path.join(TRIVYDB_SOURCE, name)))
      .update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

/** Builds (or reuses) the program and writes a fresh DB; returns the path of its db.tar.gz. For the global setup. */
export function buildTrivyDb(): string {
  const binary = path.join(e2eCache(), 'trivydb', `trivydb-${sourceHash()}`)
  if (!existsSync(binary)) {
    mkdirSync(path.dirname(binary), { recursive: true })
    const started = Date.now()
    const built = spawnSync('go', ['build', '-trimpath', '-o', binary, '.'], {
      cwd: TRIVYDB_SOURCE,
      env: {
        ...process.env,
        CGO_ENABLED: '0',
        GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local',
        GOFLAGS: '-mod=readonly',
      },
      encoding: 'utf8',
    })
    if (built.status !== 0) throw new Error(`go build of test/e2e/trivydb failed:\n${built.stderr}`)
    console.log(`test/e2e/trivydb built in ${Math.round((Date.now() - started) / 1000)} s`)
  }
  const out = mkdtempSync(path.join(tmpdir(), 'vouch-trivydb-'))
  const written = spawnSync(binary, ['-in', path.join(TRIVYDB_SOURCE, 'advisories.json'), '-out', out], {
    encoding: 'utf8',
  })
  if (written.status !== 0) throw new Error(`test/e2e/trivydb failed:\n${written.stderr}`)
  return path.join(out, 'db.tar.gz')
}

/** The db.tar.gz the global setup wrote; throws when the tier runs without it. */
export function trivyDbArchive(): string {
  const file = process.env.VOUCH_E2E_TRIVY_DB
  if (file === undefined || !existsSync(file)) {
    throw new Error(
      'VOUCH_E2E_TRIVY_DB is not set: run the tier with npm run test:e2e, whose global setup builds the DB',
    )
  }
  return file
}

/** Pushes the test DB as `<host>/trivy-db:2`, laid out like mirror.gcr.io/aquasec/trivy-db:2. */
export async function pushTrivyDb(host: string, credentials?: RegistryCredentials): Promise<PushedManifest> {
  return pushArtifact(host, 'trivy-db', '2', {
    configMediaType: TRIVY_DB_CONFIG,
    layer: {
      data: readFileSync(trivyDbArchive()),
      mediaType: TRIVY_DB_LAYER,
      annotations: { 'org.opencontainers.image.title': 'db.tar.gz' },
    },
    ...(credentials ? { credentials } : {}),
  })
}
