// An Exec that runs the stand-in cosign's handlers in-process and records every call with its environment and the
// docker config it could read at that moment.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Exec } from '../../src/exec.js'
import { handle } from '../fakes/cosign-commands.mjs'

export interface RecordedCall {
  command: string
  args: string[]
  env: Record<string, string>
  /** config.json under DOCKER_CONFIG, as it was during the call. */
  dockerConfig?: string
  exitCode: number
  stderr: string
}

export function fakeCosign(baseEnv: Record<string, string>): {
  exec: Exec
  calls: RecordedCall[]
  subcommands: () => string[]
} {
  const calls: RecordedCall[] = []
  const exec: Exec = async (command, args, options = {}) => {
    const env = { ...baseEnv, ...options.env }
    const configFile = env.DOCKER_CONFIG === undefined ? undefined : path.join(env.DOCKER_CONFIG, 'config.json')
    const dockerConfig =
      configFile !== undefined && existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined
    let stdout = ''
    let stderr = ''
    const exitCode = await handle([...args], env, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    })
    calls.push({
      command,
      args: [...args],
      env,
      ...(dockerConfig === undefined ? {} : { dockerConfig }),
      exitCode,
      stderr,
    })
    return { exitCode, stdout, stderr }
  }
  return { exec, calls, subcommands: () => calls.map((call) => call.args[0] ?? '') }
}
