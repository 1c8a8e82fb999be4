// The one way vouch runs a program: argument arrays, an explicit environment, stdin closed.
import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
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

export const exec: Exec = async (command, args, options = {}) => {
  const result = await getExecOutput(command, args, {
    env: options.replaceEnv === true ? toolEnvironment(options.env ?? {}) : toolEnvironment(process.env, options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // An empty stdin: cosign must never wait for a password prompt.
    input: Buffer.alloc(0),
    ignoreReturnCode: true,
    // Never @actions/exec's own echo: it prints `[command]` with the raw argv and the output as the tool wrote it,
    // where a registry's string could start a line with `::error::`. Callers log their command line themselves.
    silent: true,
    ...(options.echo === true ? { listeners: { stdline: echoLine, errline: echoLine } } : {}),
  })
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }
}

/** One line of a tool's output in the log: a progress bar's last redraw only, and nothing the runner would run. */
function echoLine(line: string): void {
  core.info(logSafe(line.replace(/\r$/, '').split('\r').pop() ?? ''))
}
