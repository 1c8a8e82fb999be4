// Wall-clock timing of child processes, and the Node binary the runner would use (node24 when installed).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { node24 } from '../__tests__/harness/run-action.js'

export const actionNode = existsSync(node24) ? node24 : process.execPath

export interface Spawned {
  milliseconds: number
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs the command to its exit and says how long that took, from spawn to exit. */
export function timeSpawn(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({ milliseconds: performance.now() - started, exitCode: code ?? -1, stdout, stderr }),
    )
  })
}
