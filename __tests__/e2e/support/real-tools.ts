// Paths of the real tools that scripts/real-tools.sh built, and how the tier runs one. A missing one throws: the tier
// never skips.
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** The versions the tier runs; scripts/real-tools.sh builds exactly these. */
export const REAL_TOOLS = {
  trivy: 'v0.74.0',
  cosign: 'v3.0.6',
  cosignV2: 'v2.6.1',
  kyverno: 'v1.19.0',
  kyvernoEarlier: 'v1.15.2',
  gator: 'v3.23.0',
} as const

/**
 * The unpinned prerelease label under which the tier installs its own builds of Trivy and cosign through vouch's
 * install path (scripts/real-tools.sh builds `trivy-v0.74.0-e2e` and so on): vouch pins the upstream assets' sha256,
 * which a local build can never match, and refuses a differing `trivy-sha256` for a pinned tag.
 */
export const E2E_LABEL = process.env.VOUCH_E2E_LABEL ?? 'e2e'
export const labelled = (version: string): string => `${version}-${E2E_LABEL}`

/** `${XDG_CACHE_HOME:-~/.cache}/vouch-e2e`, or $VOUCH_E2E_CACHE, as scripts/real-tools.sh uses it. */
export function e2eCache(): string {
  return (
    process.env.VOUCH_E2E_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vouch-e2e')
  )
}

export function realToolsBin(): string {
  return process.env.VOUCH_E2E_BIN ?? path.join(e2eCache(), 'bin')
}

/** realTool('cosign', 'v2.6.1') is the path of that binary, or a thrown error naming the script that builds it. */
export function realTool(name: 'trivy' | 'cosign' | 'kyverno' | 'gator', version: string): string {
  const file = path.join(realToolsBin(), `${name}-${version}`)
  try {
    accessSync(file, constants.X_OK)
  } catch {
    throw new Error(`${file} is missing: run scripts/real-tools.sh (npm run test:e2e does) to build ${name} ${version}`)
  }
  return file
}

export interface ToolRun {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a binary with only the given environment (plus PATH), stdin empty: nothing of the test process leaks in. */
export async function runTool(binary: string, args: string[], env: Record<string, string> = {}): Promise<ToolRun> {
  const child = spawn(binary, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end()
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code ?? -1))
  })
  return { exitCode, stdout, stderr }
}
