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

export const exec: Exec = async (command, args, options = {}) => {
  const result = await getExecOutput(command, args, {
    env: { ...(process.env as Record<string, string>), ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    // An empty stdin: cosign must never wait for a password prompt.
    input: Buffer.alloc(0),
    ignoreReturnCode: true,
    silent: options.echo !== true,
  })
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr }
}
