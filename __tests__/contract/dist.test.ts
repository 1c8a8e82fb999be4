import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import { repoRoot } from '../harness/run-action.js'

// The action runs dist/, not src/: a bundle that drifted from the source would ship old code.
test('dist/ is the bundle of the current src/', { timeout: 180_000 }, async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'vouch-dist-'))
  try {
    await promisify(execFile)(
      path.join(repoRoot, 'node_modules/.bin/ncc'),
      ['build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--target', 'es2022'],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    )
    const bundled = (await readdir(out)).sort()
    const committed = (await readdir(path.join(repoRoot, 'dist'))).sort()
    expect(committed).toEqual(bundled)
    for (const name of bundled) {
      const [fresh, current] = await Promise.all([
        readFile(path.join(out, name), 'utf8'),
        readFile(path.join(repoRoot, 'dist', name), 'utf8'),
      ])
      // Not toBe: a 4 MB diff helps nobody.
      expect(
        fresh === current,
        `dist/${name} differs from a fresh bundle: run \`npm run bundle\` and commit dist/`,
      ).toBe(true)
    }
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'dist/package.json'), 'utf8')) as { type?: string }
    expect(pkg.type).toBe('module')
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})
