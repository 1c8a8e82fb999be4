// The one way vouch runs a program: argument arrays, an explicit environment, stdin closed.
import { getExecOutput } from '@actions/exec'

export interface ExecOptions {
  /** Variables added to (or, with `replaceEnv`, replacing) the process environment. */
  env?: Record<string, string>
  cwd?: string
  /** Print the program's output to the log as it runs. */
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
    env: toolEnvironment(process.env, options.env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // An empty stdin: cosign must never wait for a password prompt.
    input: Buffer.alloc(0),
    ignoreReturnCode: true,
    silent: options.echo !== true,
  })
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }
}
