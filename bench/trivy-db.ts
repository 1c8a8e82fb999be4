// The one place the real-tool benchmark gets its offline Trivy DB: built by the real-tool tier's builder
// (test/e2e/trivydb, a Go program), then written into a Trivy cache folder with fresh metadata so that Trivy
// neither downloads nor refuses it. When it cannot be built, says what is missing instead.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildTrivyDb as buildTestDb } from '../__tests__/e2e/support/trivy-db.js'

export type TrivyDb = { dir: string } | { missing: string }

/** The real-tool tier's test DB (built once, cached by its source's hash); `{ missing }` names what failed. */
export function buildTrivyDb(): TrivyDb {
  try {
    return { dir: path.dirname(buildTestDb()) }
  } catch (error) {
    return { missing: `the Trivy DB (${(error as Error).message.split('\n').slice(0, 2).join(' ')})` }
  }
}

/**
 * Puts the DB in `<cacheDir>/db/` as a fresh download would leave it: built an hour ago, next update tomorrow,
 * downloaded just now. Trivy v0.74.0 then skips its update (pkg/db/db.go NeedsUpdate and isNewDB: NextUpdate in the
 * future, DownloadedAt not zero), so no run reaches for a network.
 */
export function seedTrivyCache(db: { dir: string }, cacheDir: string): void {
  const target = path.join(cacheDir, 'db')
  mkdirSync(target, { recursive: true })
  copyFileSync(path.join(db.dir, 'trivy.db'), path.join(target, 'trivy.db'))
  const now = Date.now()
  writeFileSync(
    path.join(target, 'metadata.json'),
    JSON.stringify({
      Version: 2,
      NextUpdate: new Date(now + 20 * 3_600_000).toISOString(),
      UpdatedAt: new Date(now - 3_600_000).toISOString(),
      DownloadedAt: new Date(now).toISOString(),
    }),
  )
}
