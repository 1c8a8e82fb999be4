import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from 'vitest'
import { repoRoot } from '../harness/run-action.js'
// @ts-expect-error: a plain .mjs script without types
import { withTables } from '../../scripts/readme-tables.mjs'

test('the README tables of inputs and outputs are the ones action.yml generates', async () => {
  const [readme, actionYml] = await Promise.all([
    readFile(path.join(repoRoot, 'README.md'), 'utf8'),
    readFile(path.join(repoRoot, 'action.yml'), 'utf8'),
  ])
  expect(readme, 'run `npm run docs` to regenerate them').toBe(
    (withTables as (r: string, a: string) => string)(readme, actionYml),
  )
})

test('the README gives the two set-up commands and the test command CI runs', async () => {
  const [readme, ci] = await Promise.all([
    readFile(path.join(repoRoot, 'README.md'), 'utf8'),
    readFile(path.join(repoRoot, '.ci/run'), 'utf8'),
  ])
  expect(readme).toContain('npm ci')
  expect(readme).toContain('npm test')
  expect(ci).toMatch(/^npm test$/m)
})
