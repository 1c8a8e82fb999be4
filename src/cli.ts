// Local runs: `npm start -- --image <ref> [--max-high 3 ...]`. Flags map 1:1 to the action's inputs, defaults come
// from action.yml, and the same run() executes; what a runner would show (groups, warnings, the job summary, the
// outputs) is printed for a terminal.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { readInputs } from './inputs.js'
import { run } from './main.js'
import { errorMessage } from './errors.js'
import { commandLineFilter, decodeEntities, didYouMean } from './terminal.js'

interface ActionSpec {
  inputs: Record<string, { default?: string; description?: string }>
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Locally the reports land in the working directory, not in a runner temp dir that is removed afterwards. */
const LOCAL_OUTPUT_DIR = 'vouch-output'
/** Flags of the runner itself, not inputs: they take no value. */
const SWITCHES = ['help', 'debug']

export interface Flags {
  inputs: Record<string, string>
  debug: boolean
  help: boolean
}

export function parseFlags(argv: string[], spec: ActionSpec): Flags {
  const flags: Flags = { inputs: {}, debug: false, help: false }
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? ''
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(flag)
    if (match === null) throw new Error(`unexpected argument ${JSON.stringify(flag)}; flags are --<input> <value>`)
    const [, name = '', inline] = match
    if (name === 'help' || name === 'debug') {
      flags[name] = true
      continue
    }
    if (!(name in spec.inputs)) {
      const guess = didYouMean(name, [...Object.keys(spec.inputs), ...SWITCHES])
      throw new Error(`--${name} is not an input of vouch${guess ? `; did you mean --${guess}?` : ''} (see --help)`)
    }
    const value = inline ?? argv[++index]
    if (value === undefined) throw new Error(`--${name} needs a value`)
    // A repeated flag adds a line, for the newline-separated inputs.
    flags.inputs[name] = name in flags.inputs ? `${flags.inputs[name]}\n${value}` : value
  }
  return flags
}

function usage(spec: ActionSpec): string {
  const localDefault = (name: string, value: string | undefined): string | undefined =>
    name === 'output-dir' ? `./${LOCAL_OUTPUT_DIR}` : value
  const lines = Object.entries(spec.inputs).map(([name, input]) => {
    const fallback = localDefault(name, input.default)
    return `  --${name.padEnd(20)} ${input.description ?? ''}${fallback ? ` (default: ${fallback})` : ''}`
  })
  const switches = [
    `  --${'debug'.padEnd(20)} Show the debug lines the runner hides.`,
    `  --${'help'.padEnd(20)} Show this help.`,
  ]
  return `usage: npm start -- --image <ref> [flags]\n\n${[...lines, ...switches].join('\n')}\n`
}

/** The `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT, as [name, value] pairs. */
function readOutputFile(text: string): [string, string][] {
  const outputs: [string, string][] = []
  const block = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(block)) outputs.push([match[1] ?? '', match[3] ?? ''])
  return outputs
}

/** Routes the step's stdout through the workflow-command renderer; returns the writer that bypasses it. */
function renderStdout(debug: boolean): { write: (text: string) => void; restore: () => void } {
  const original = process.stdout.write.bind(process.stdout)
  const filter = commandLineFilter(debug)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function')
    return original(filter.push(text), callback)
  }) as typeof process.stdout.write
  return {
    write: (text) => original(text),
    restore: () => {
      original(filter.flush())
      process.stdout.write = original
    },
  }
}

async function main(argv: string[]): Promise<number> {
  const spec = parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as ActionSpec
  const flags = parseFlags(argv, spec)
  if (flags.help || argv.length === 0) {
    process.stdout.write(usage(spec))
    return flags.help ? 0 : 2
  }
  const work = await mkdtemp(path.join(tmpdir(), 'vouch-cli-'))
  const stdout = renderStdout(flags.debug)
  try {
    // What a runner provides, made up locally: a temp dir, a tool cache that persists, an output file.
    process.env.RUNNER_TEMP ??= work
    process.env.RUNNER_TOOL_CACHE ??= path.join(homedir(), '.cache', 'vouch', 'tools')
    if (flags.debug) process.env.RUNNER_DEBUG = '1'
    const outputFile = path.join(work, 'outputs')
    await writeFile(outputFile, '')
    process.env.GITHUB_OUTPUT = outputFile
    const runnerTemp = process.env.RUNNER_TEMP

    flags.inputs['output-dir'] ??= path.resolve(LOCAL_OUTPUT_DIR)
    const inputs = readInputs((name) => {
      const value = flags.inputs[name] ?? spec.inputs[name]?.default ?? ''
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
    stdout.write(`\n${decodeEntities(summary)}\n\nOutputs:\n${table}\n`)
    if (outcome.failMessage !== undefined) {
      process.stderr.write(`\n${outcome.failMessage}\n`)
      return 1
    }
    return 0
  } finally {
    stdout.restore()
    // The reports stay where output-dir says; the made-up runner directory (unpacked tools, scratch) goes, on
    // every path, an input error included.
    await rm(work, { recursive: true, force: true })
  }
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
