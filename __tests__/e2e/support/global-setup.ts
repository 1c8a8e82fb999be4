// Builds (or reuses) the real tools once before the tier runs. A tool that cannot be built fails the tier: nothing in
// it is ever skipped because a tool is missing.
import { spawnSync } from 'node:child_process'
import path from 'node:path'

export default function setup(): void {
  const script = path.resolve(import.meta.dirname, '../../../scripts/real-tools.sh')
  const started = Date.now()
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `scripts/real-tools.sh failed (exit ${result.status}); the real-tool tier needs every tool it builds`,
    )
  }
  const bin = result.stdout.trim().split('\n').at(-1) ?? ''
  process.env.VOUCH_E2E_BIN = bin
  console.log(`real tools ready in ${bin} (${Math.round((Date.now() - started) / 1000)} s)`)
}
