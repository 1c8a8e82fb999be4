// The shape of src/: imports point inward. A module may lean on the ones below it, never on one that leans back on
// it (no circle, type imports included: a type-only circle still ties two files so neither can change alone), and
// only the entry ring reads the action's inputs. The entry ring is index.ts, main.ts and cli.ts, and the stages:
// each stage takes the parsed `Inputs` and turns it into the plain arguments of the adapters and the core, so the
// stages are where the inputs stop. Everything below them takes its own types (CosignKey from cosign/keys.ts,
// RegistryCredentials from image/credentials.ts, ToolRequest from tools/request.ts).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src')

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return modules(path)
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : []
  })
}

// `import … from '…'`, `import type … from '…'`, `export … from '…'`, `import '…'` and `import('…')`.
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm

/** The src/ modules one file imports, as paths relative to src/ (`.js` in a specifier names the `.ts` file). */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2] ?? match[3]
    if (specifier === undefined || !specifier.startsWith('.')) continue
    found.push(posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts'))
  }
  return found
}

/** Every circle, each once, as the list of modules around it. */
export function circles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>()
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const circle = path.slice(path.indexOf(next))
        found.set([...circle].sort().join(' '), circle)
      } else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(node, 'done')
  }
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node)
  return [...found.values()]
}

const ENTRY_RING = (module: string): boolean =>
  ['index.ts', 'main.ts', 'cli.ts'].includes(module) || module.startsWith('stages/')
const INPUTS = (module: string): boolean => module === 'inputs.ts' || module.startsWith('inputs/')

const graph = new Map(modules(SRC).map((file) => [file, importsOf(file, readFileSync(join(SRC, file), 'utf8'))]))

describe('the import walk', () => {
  it('reads every kind of import statement, type imports included', () => {
    const text = [
      "import { a } from './a.js'",
      "import type { B } from '../b.js'",
      'import {\n  c,\n  type D,\n} from "./c/d.js"',
      "export { e } from './e.js'",
      "export type * from './f.js'",
      "import './g.js'",
      "const h = await import('./h.js')",
      "import * as core from '@actions/core'",
      "// the word import in a comment from 'nowhere' is not one",
    ].join('\n')
    expect(importsOf('image/x.ts', text)).toEqual([
      'image/a.ts',
      'b.ts',
      'image/c/d.ts',
      'image/e.ts',
      'image/f.ts',
      'image/g.ts',
      'image/h.ts',
    ])
  })

  it('finds a circle of two and of three, and none in a line', () => {
    const two = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
    ])
    const three = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ])
    const line = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ])
    expect(circles(two)).toEqual([['a.ts', 'b.ts']])
    expect(circles(three)).toEqual([['a.ts', 'b.ts', 'c.ts']])
    expect(circles(line)).toEqual([])
  })

  it('walks all of src/', () => {
    expect(graph.has('index.ts')).toBe(true)
    expect(graph.has('main.ts')).toBe(true)
    expect(graph.get('index.ts')).toContain('main.ts')
    for (const [module, imports] of graph) {
      for (const imported of imports) expect(graph.has(imported), `${module} imports ${imported}`).toBe(true)
    }
  })
})

describe('src/', () => {
  it('has no import circle', () => {
    expect(circles(graph).map((circle) => circle.join(' -> '))).toEqual([])
  })

  it('reads the inputs only in the entry ring (index, main, cli and the stages)', () => {
    const outward = [...graph].flatMap(([module, imports]) =>
      ENTRY_RING(module) || INPUTS(module)
        ? []
        : imports.filter(INPUTS).map((imported) => `${module} imports ${imported}`),
    )
    expect(outward).toEqual([])
  })
})
