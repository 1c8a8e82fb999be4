// The one place the real-tool benchmark gets its offline Trivy DB: built by the real-tool tier's builder
// (test/e2e/trivydb, a Go program), then written into a Trivy cache folder with fresh metadata so that Trivy
// neither downloads nor refuses it. When the builder is not in the repository, says what is missing instead.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export type TrivyDb = { dir: string } | { missing: string }

/** Builds the DB into `out` once; `{ missing }` names what is absent (never a stand-in DB). */
export function buildTrivyDb(root: string, out: string): TrivyDb {
  const builder = path.join(root, 'test/e2e/trivydb')
  if (!existsSync(path.join(builder, 'main.go'))) {
    return {
      missing:
        `the offline Trivy DB builder ${path.relative(root, builder)} is not in this repository ` +
        '(it comes with the real-tool tier, npm run test:e2e)',
    }
  }
  try {
    // trivydb -in advisories.json -out DIR writes trivy.db, metadata.json and db.tar.gz.
    // As the real-tool tier builds it: no cgo, the installed Go, the module's go.sum as it is.
    execFileSync('go', ['run', '-trimpath', '.', '-in', path.join(builder, 'advisories.json'), '-out', out], {
      cwd: builder,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        CGO_ENABLED: '0',
        GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local',
        GOFLAGS: '-mod=readonly',
      },
    })
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()
    return { missing: `the Trivy DB (go run ./test/e2e/trivydb failed: ${stderr.split('\n').slice(-2).join(' ')})` }
  }
  if (!existsSync(path.join(out, 'trivy.db'))) return { missing: `the Trivy DB (${out}/trivy.db was not written)` }
  return { dir: out }
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
