import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { readInputs } from '../../src/inputs.js'
import { readActionYaml, repoRoot } from '../harness/run-action.js'

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name)
      return entry.isDirectory() ? sourceFiles(full) : Promise.resolve(full.endsWith('.ts') ? [full] : [])
    }),
  )
  return nested.flat()
}

describe('action.yml declares exactly the inputs vouch reads', () => {
  test('every input read is declared, and every declared input is read', async () => {
    const spec = await readActionYaml()
    const read = new Set<string>()
    readInputs((name) => {
      read.add(name)
      if (name === 'image') return 'registry.example.com/app:1'
      return String(spec.inputs[name]?.default ?? '').replace('${{ runner.temp }}', '/tmp')
    })
    expect([...read].sort()).toEqual(Object.keys(spec.inputs).sort())
  })

  test('only index.ts and the CLI touch the raw inputs', async () => {
    const files = await sourceFiles(path.join(repoRoot, 'src'))
    const readers: string[] = []
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      if (/\bgetInput\(|\bgetBooleanInput\(|\bgetMultilineInput\(|process\.env\.INPUT_/.test(text)) {
        readers.push(path.relative(repoRoot, file))
      }
    }
    expect(readers.sort()).toEqual(['src/index.ts'])
  })

  test('every input and output has a one-line description, and the contract defaults', async () => {
    const spec = (await readActionYaml()) as unknown as {
      inputs: Record<string, { description?: string; default?: string }>
      outputs: Record<string, { description?: string }>
      runs: { using: string; main: string }
    }
    for (const [name, input] of [...Object.entries(spec.inputs), ...Object.entries(spec.outputs)]) {
      expect(input.description, name).toMatch(/^[^\n]+$/)
    }
    expect(spec.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(spec.inputs['max-critical']?.default).toBe('0')
    expect(spec.inputs['trivy-version']?.default).toBe('v0.74.0')
    expect(spec.inputs['output-dir']?.default).toBe('${{ runner.temp }}/vouch')
  })

  test('the Marketplace metadata: name, description, branding, and every default a string', async () => {
    const spec = (await readActionYaml()) as unknown as {
      name?: unknown
      description?: unknown
      branding?: { icon?: unknown; color?: unknown }
      inputs: Record<string, { default?: unknown; required?: unknown }>
    }
    expect(spec.name).toBe('vouch')
    expect(spec.description).toMatch(/^[^\n]{20,125}$/)
    // The Marketplace's icon set is Feather's; its colours are these eight.
    expect(spec.branding?.icon).toEqual(expect.any(String))
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(
      spec.branding?.color,
    )
    // The runner hands every input over as a string; a YAML number or boolean default reads differently from
    // what the README's tables show (`0` vs `'0'`, `true` vs `'true'` are the same to it, `0.10` is not).
    const notStrings = Object.entries(spec.inputs)
      .filter(([, input]) => input.default !== undefined && typeof input.default !== 'string')
      .map(([name]) => name)
    expect(notStrings).toEqual([])
    // An input is either required or has a default, never both and never neither.
    const unclear = Object.entries(spec.inputs)
      .filter(([, input]) => (input.required === true) === (input.default !== undefined))
      .map(([name]) => name)
    expect(unclear).toEqual([])
  })

  test('declares every output of the contract', async () => {
    const spec = await readActionYaml()
    expect(Object.keys(spec.outputs).sort()).toEqual(
      [
        'scan-status',
        'image',
        'digest',
        'critical',
        'high',
        'medium',
        'low',
        'unknown',
        'ignored',
        'fixable',
        'signed',
        'signature',
        'attested',
        'annotation',
        'pod-annotations',
        'json-report',
        'sarif-report',
        'predicate',
        'trivy-version',
        'cosign-version',
        'db-updated-at',
      ].sort(),
    )
  })
})
