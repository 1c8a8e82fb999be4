// Local runs: `npm start -- --image <ref> [--max-high 3 ...]`. Flags map 1:1 to the action's inputs, defaults come
// from action.yml, and the same run() executes; outputs and the summary are printed to the terminal.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { readInputs } from './inputs.js'
import { run } from './main.js'
import { errorMessage } from './errors.js'

interface ActionSpec {
  inputs: Record<string, { default?: string; description?: string }>
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function parseFlags(argv: string[], spec: ActionSpec): Record<string, string> {
  const values: Record<string, string> = {}
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? ''
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(flag)
    if (match === null) throw new Error(`unexpected argument ${JSON.stringify(flag)}; flags are --<input> <value>`)
    const [, name = '', inline] = match
    if (!(name in spec.inputs)) throw new Error(`--${name} is not an input of vouch; see --help`)
    const value = inline ?? argv[++index]
    if (value === undefined) throw new Error(`--${name} needs a value`)
    // A repeated flag adds a line, for the newline-separated inputs.
    values[name] = name in values ? `${values[name]}\n${value}` : value
  }
  return values
}

function usage(spec: ActionSpec): string {
  const lines = Object.entries(spec.inputs).map(
    ([name, input]) =>
      `  --${name.padEnd(20)} ${input.description ?? ''}${input.default ? ` (default: ${input.default})` : ''}`,
  )
  return `usage: npm start -- --image <ref> [flags]\n\n${lines.join('\n')}\n`
}

/** The `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT, as [name, value] pairs. */
function readOutputFile(text: string): [string, string][] {
  const outputs: [string, string][] = []
  const block = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(block)) outputs.push([match[1] ?? '', match[3] ?? ''])
  return outputs
}

async function main(argv: string[]): Promise<number> {
  const spec = parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as ActionSpec
  if (argv.includes('--help') || argv.length === 0) {
    process.stdout.write(usage(spec))
    return argv.length === 0 ? 2 : 0
  }
  const flags = parseFlags(argv, spec)
  const work = await mkdtemp(path.join(tmpdir(), 'vouch-cli-'))
  // What a runner provides, made up locally: a temp dir, a tool cache that persists, an output file.
  process.env.RUNNER_TEMP ??= work
  process.env.RUNNER_TOOL_CACHE ??= path.join(homedir(), '.cache', 'vouch', 'tools')
  const outputFile = path.join(work, 'outputs')
  await writeFile(outputFile, '')
  process.env.GITHUB_OUTPUT = outputFile
  const runnerTemp = process.env.RUNNER_TEMP

  // Locally the reports land in the working directory, not in a runner temp dir that is removed afterwards.
  flags['output-dir'] ??= path.resolve('vouch-output')
  const inputs = readInputs((name) => {
    const value = flags[name] ?? spec.inputs[name]?.default ?? ''
    return value.replace(/\$\{\{\s*runner\.temp\s*\}\}/g, runnerTemp)
  })
  let summary = ''
  const outcome = await run(inputs, {
    writeSummary: async (markdown) => {
      summary = markdown
    },
  })
  const outputs = readOutputFile(await readFile(outputFile, 'utf8'))
  const width = Math.max(...outputs.map(([name]) => name.length))
  const table = outputs.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n')
  process.stdout.write(`\n${summary}\n\nOutputs:\n${table}\n`)
  // The reports stay where output-dir says; the made-up runner directory (unpacked tools, scratch) goes.
  if (runnerTemp === work) await rm(work, { recursive: true, force: true })
  if (outcome.failMessage !== undefined) {
    process.stderr.write(`\n${outcome.failMessage}\n`)
    return 1
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`vouch: ${errorMessage(error)}\n`)
    process.exitCode = 1
  },
)
