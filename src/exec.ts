// The one way vouch runs a program: argument arrays, an explicit environment, stdin closed.
import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { logSafe } from './log-safe.js'

export interface ExecOptions {
  /** Variables added to (or, with `replaceEnv`, replacing) the process environment. */
  env?: Record<string, string>
  /** `env` is the tool's whole environment: nothing of the step's is inherited (Trivy's allowlist). */
  replaceEnv?: boolean
  cwd?: string
  /** Print the program's output to the log as it runs, each line made log-safe. */
  echo?: boolean
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Collaborator type: adapters take an Exec so tests can hand in a fake. */
export type Exec = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>

/**
 * The environment a tool inherits: the step's, less what only the action itself may hold. The raw inputs carry the
 * signing key and passwords, and the runtime tokens can mint OIDC tokens or write caches; a compromised scanner must
 * get none of them. What a tool needs (credentials, the OIDC request for keyless cosign) it is handed explicitly.
 */
export function toolEnvironment(
  inherited: NodeJS.ProcessEnv,
  added: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inherited)) {
    if (value !== undefined && !isWithheld(name)) env[name] = value
  }
  return { ...env, ...added }
}

const WITHHELD =
  /^(INPUT_.*|ACTIONS_ID_TOKEN_REQUEST_.*|ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|GITHUB_TOKEN)$/i

function isWithheld(name: string): boolean {
  return WITHHELD.test(name)
}

export const exec: Exec = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.replaceEnv === true ? toolEnvironment(options.env ?? {}) : toolEnvironment(process.env, options.env),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      // stdin is /dev/null: cosign must never wait for a password prompt, and there is no pipe to write into, so a
      // tool that exits at once cannot fail the write with EPIPE (@actions/exec's `input` writes the child's stdin
      // with no error handler, which crashed the action when the tool had already gone).
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
    // No `[command]` echo of the raw argv, and no output as the tool wrote it: a registry's string could start a
    // line with `::error::`. Callers log their command line themselves; echoed output is made log-safe line by line.
    const stdout = collect(child.stdout, options.echo === true)
    const stderr = collect(child.stderr, options.echo === true)
    child.once('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`, { cause: error })))
    child.once('close', (code, signal) => {
      stdout.flush()
      stderr.flush()
      // A tool killed by a signal has no exit code: it did not succeed.
      resolve({ exitCode: code ?? (signal === null ? 1 : 128), stdout: stdout.text(), stderr: stderr.text() })
    })
  })

/** A tool's output stream, kept whole for the caller and, with `echo`, logged a line at a time as it arrives. */
function collect(stream: NodeJS.ReadableStream, echo: boolean): { text(): string; flush(): void } {
  const chunks: Buffer[] = []
  // A character split across two chunks is decoded whole.
  const decoder = new StringDecoder('utf8')
  let partial = ''
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    if (!echo) return
    const lines = (partial + decoder.write(chunk)).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) echoLine(line)
  })
  return {
    text: () => Buffer.concat(chunks).toString('utf8'),
    flush: () => {
      partial += decoder.end()
      if (echo && partial !== '') echoLine(partial)
      partial = ''
    },
  }
}

/** One line of a tool's output in the log: a progress bar's last redraw only, and nothing the runner would run. */
function echoLine(line: string): void {
  core.info(logSafe(line.replace(/\r$/, '').split('\r').pop() ?? ''))
}
