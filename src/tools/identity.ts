// Asks an installed tool which version it is and compares that with the version requested: a verified archive
// that holds another release (a mislabelled mirror, a user hash for the wrong file) is caught before it scans.
import { IntegrityError } from '../errors.js'
import type { Exec } from '../exec.js'
import type { InstalledTool } from './request.js'

/**
 * `trivy --version` prints `Version: 0.74.0` on its first line, then (when a DB is cached) an indented
 * `Vulnerability DB:` block whose own `  Version: 2` must not be mistaken for it.
 */
export function parseTrivyVersion(stdout: string): string | undefined {
  const match = /^Version:[ \t]*(\S+)[ \t]*$/m.exec(stdout)
  return match?.[1]
}

/** `cosign version` prints an ASCII-art banner, then `GitVersion:    v3.0.6` among other build fields. */
export function parseCosignVersion(stdout: string): string | undefined {
  const match = /^GitVersion:[ \t]*(\S+)[ \t]*$/m.exec(stdout)
  return match?.[1]
}

const withoutV = (version: string): string => version.replace(/^v/, '')

/** What asks each tool its version: `trivy --version`, `cosign version`. */
export function identityArgs(tool: InstalledTool['tool']): string[] {
  return tool === 'trivy' ? ['--version'] : ['version']
}

/** IntegrityError unless the tool runs and reports exactly the requested version. */
export async function checkToolIdentity(installed: InstalledTool, exec: Exec): Promise<void> {
  const args = identityArgs(installed.tool)
  const command = `${installed.tool} ${args.join(' ')}`
  let result: Awaited<ReturnType<Exec>>
  try {
    result = await exec(installed.path, args)
  } catch (error) {
    throw new IntegrityError(`${installed.path} could not be run for \`${command}\`: ${(error as Error).message}`, {
      cause: error,
    })
  }
  if (result.exitCode !== 0) {
    throw new IntegrityError(
      `\`${command}\` exited ${result.exitCode}: ${firstLine(result.stderr) || firstLine(result.stdout)}`,
    )
  }
  const reported = installed.tool === 'trivy' ? parseTrivyVersion(result.stdout) : parseCosignVersion(result.stdout)
  if (reported === undefined) {
    throw new IntegrityError(
      `\`${command}\` did not print a version this action recognises: ${firstLine(result.stdout)}`,
    )
  }
  if (withoutV(reported) !== withoutV(installed.version)) {
    throw new IntegrityError(
      `${installed.path} reports version ${reported}, but ${installed.tool} ${installed.version} was requested; ` +
        'the verified asset holds a different release',
    )
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  )
}
