// Forged tool-cache contents for the poisoned-cache tests: an executable that leaves a marker file if it ever runs,
// release assets carrying it, and the `.vouch-verified.json` record that older vouch versions trusted.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex')

/**
 * A shell script that touches `marker` and then answers like the real tool (`Version:` for trivy, `GitVersion:` for
 * cosign), so that only the marker tells whether it ran: the identity check alone would not catch it.
 */
export function markerScript(marker: string, version: string): string {
  return `#!/bin/sh\ntouch '${marker}'\necho 'Version: ${version.replace(/^v/, '')}'\necho 'GitVersion: ${version}'\n`
}

/** A `.tar.gz` holding `trivy` = markerScript: what an attacker would put in place of the cached Trivy asset. */
export function poisonedTrivyArchive(marker: string, version: string): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'vouch-poison-'))
  try {
    const root = join(work, 'root')
    mkdirSync(root)
    writeFileSync(join(root, 'trivy'), markerScript(marker, version), { mode: 0o755 })
    execFileSync('tar', ['-czf', join(work, 'asset.tar.gz'), 'trivy'], { cwd: root, stdio: 'ignore' })
    return readFileSync(join(work, 'asset.tar.gz'))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * Plants, in a tool-cache (or Actions cache) entry `dir`, an executable `binary` that touches `marker` and a
 * `.vouch-verified.json` whose hashes are consistent with it: both the binary and its record forged.
 */
export function plantForgedInstall(
  dir: string,
  asset: { tool: string; version: string; name: string; sha256: string; binary: string },
  marker: string,
): void {
  mkdirSync(dir, { recursive: true })
  const script = markerScript(marker, asset.version)
  writeFileSync(join(dir, asset.binary), script, { mode: 0o755 })
  const record = {
    tool: asset.tool,
    version: asset.version,
    asset: asset.name,
    assetSha256: asset.sha256,
    binary: asset.binary,
    binarySha256: sha256(script),
  }
  writeFileSync(join(dir, '.vouch-verified.json'), `${JSON.stringify(record, null, 2)}\n`)
}
