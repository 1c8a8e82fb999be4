// Paths of the real tools that scripts/real-tools.sh built. A missing one throws: the tier never skips.
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

export function realToolsBin(): string {
  if (process.env.VOUCH_E2E_BIN) return process.env.VOUCH_E2E_BIN
  const cache =
    process.env.VOUCH_E2E_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vouch-e2e')
  return path.join(cache, 'bin')
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
