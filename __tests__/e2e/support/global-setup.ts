// Builds (or reuses) the real tools once before the tier runs, then what the tier serves from loopback: the test
// Trivy DB (test/e2e/trivydb, built once per source hash) and release-shaped archives of Trivy and cosign. A tool that
// cannot be built fails the tier: nothing in it is ever skipped because a tool is missing.
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { packReleases } from './releases.js'
import { buildTrivyDb } from './trivy-db.js'

/** Returns the teardown vitest runs after the tier: the DB folder is the only thing the setup leaves in tmp. */
export default function setup(): () => void {
  const script = path.resolve(import.meta.dirname, '../../../scripts/real-tools.sh')
  const started = Date.now()
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `scripts/real-tools.sh failed (exit ${result.status}); the real-tool tier needs every tool it builds`,
    )
  }
  const bin = result.stdout.trim().split('\n').at(-1) ?? ''
  process.env.VOUCH_E2E_BIN = bin
  console.log(`real tools ready in ${bin} (${Math.round((Date.now() - started) / 1000)} s)`)

  const prepared = Date.now()
  const db = buildTrivyDb()
  process.env.VOUCH_E2E_TRIVY_DB = db
  process.env.VOUCH_E2E_RELEASES = JSON.stringify(packReleases())
  console.log(`test Trivy DB and tool releases ready (${Math.round((Date.now() - prepared) / 1000)} s)`)
  return () => rmSync(path.dirname(db), { recursive: true, force: true })
}
