// Per-test runner directories for installer tests: RUNNER_TEMP, RUNNER_TOOL_CACHE and the stand-ins' invocation
// log, set in process.env (@actions/tool-cache v4 reads them on every call, not at import) and restored afterwards.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, vi } from 'vitest'

export interface RunnerDirs {
  root: string
  temp: string
  toolCache: string
  /** VOUCH_FAKE_LOG: one JSON line per run of a stand-in tool. */
  log: string
}

const VARIABLES = ['RUNNER_TEMP', 'RUNNER_TOOL_CACHE', 'VOUCH_FAKE_LOG'] as const

/** Registers hooks giving each test fresh directories; call the returned function inside a test. */
export function useRunnerDirs(): () => RunnerDirs {
  let dirs: RunnerDirs | undefined
  const saved: Partial<Record<(typeof VARIABLES)[number], string | undefined>> = {}
  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'vouch-install-'))
    dirs = { root, temp: join(root, 'temp'), toolCache: join(root, 'toolcache'), log: join(root, 'calls.jsonl') }
    mkdirSync(dirs.temp)
    mkdirSync(dirs.toolCache)
    for (const name of VARIABLES) saved[name] = process.env[name]
    useToolCache(dirs.toolCache)
    process.env['RUNNER_TEMP'] = dirs.temp
    process.env['VOUCH_FAKE_LOG'] = dirs.log
  })
  afterEach(() => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    if (dirs !== undefined) rmSync(dirs.root, { recursive: true, force: true })
    dirs = undefined
  })
  return () => {
    if (dirs === undefined) throw new Error('useRunnerDirs: only inside a test')
    return dirs
  }
}

/** Points the tool cache somewhere else (a fresh runner). */
export function useToolCache(path: string): void {
  mkdirSync(path, { recursive: true })
  process.env['RUNNER_TOOL_CACHE'] = path
}

/** Every file below `dir`, as absolute paths. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Files below `dir` with any execute bit set. */
export function executablesUnder(dir: string): string[] {
  return filesUnder(dir).filter((path) => (statSync(path).mode & 0o111) !== 0)
}

/** The stand-ins' invocations so far. */
export function fakeCalls(log: string): { tool: string; argv: string[] }[] {
  if (!existsSync(log)) return []
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { tool: string; argv: string[] })
}

/** Captures what @actions/core prints during each test (it writes to stdout); returns the lines so far. */
export function useStdout(): { lines(): string[]; warnings(): string[] } {
  let written: string[] = []
  let restore = (): void => undefined
  beforeEach(() => {
    written = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    restore = () => spy.mockRestore()
  })
  afterEach(() => restore())
  const lines = (): string[] => written.join('').split('\n')
  return { lines, warnings: () => lines().filter((line) => line.startsWith('::warning::')) }
}
