// Folders the benchmarks make (stand-in state, runner folders with their tool caches), removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { newRunner, type RunnerDirs } from '../__tests__/harness/run-action.js'

const made: string[] = []

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

export async function scratchRunner(): Promise<RunnerDirs> {
  const runner = await newRunner()
  made.push(runner.root)
  return runner
}

export function removeScratch(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}
