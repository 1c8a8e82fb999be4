// Nothing a registry, a report or a tool prints can become a workflow command: the runner runs any log line that
// starts, after leading whitespace, with `::name::` (or the older `##[name]`).
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { exec } from '../../src/exec.js'
import { logSafe } from '../../src/log-safe.js'
import { captureStdout } from '../trivy/scripted-trivy.js'

const COMMAND = /^\s*(::|##\[)/

describe('logSafe', () => {
  test.each([
    ['amd64\n::error::forged', 'amd64\\n::error::forged'],
    ['a\r\n::add-mask::x', 'a\\r\\n::add-mask::x'],
    ['::error::at the start', '\\u003a:error::at the start'],
    ['  ##[error]legacy', '  \\u0023#[error]legacy'],
    ['line\u2028::warning::x', 'line\\u2028::warning::x'],
    ['esc \u001b[31mred', 'esc \\u001b[31mred'],
    ['tab\tkept', 'tab\tkept'],
    ['plain text', 'plain text'],
  ])('%j -> %j', (text, safe) => {
    expect(logSafe(text)).toBe(safe)
    expect(logSafe(text)).not.toMatch(/[\n\r\u2028\u2029]/)
    expect(logSafe(text)).not.toMatch(COMMAND)
  })
})

describe('a tool run with its output echoed', () => {
  let stdout: ReturnType<typeof captureStdout>
  beforeEach(() => {
    stdout = captureStdout()
  })
  afterEach(() => stdout.restore())

  test('neither its argv nor its output starts a workflow command, and each line still shows', async () => {
    const script =
      "console.log('scanning'); console.error('2026-08-22T10:00:00Z\\tFATAL\\tGET manifests: \\n::error::from stderr');" +
      " console.log('::warning::from stdout'); process.stdout.write('50%\\r100%\\n')"
    const result = await exec(process.execPath, ['-e', script, 'amd64\n::error::from argv'], { echo: true })
    expect(result.exitCode).toBe(0)
    const lines = stdout.lines()
    expect(lines.filter((line) => COMMAND.test(line))).toEqual([])
    expect(lines.filter((line) => line.startsWith('[command]'))).toEqual([])
    expect(lines).toEqual(
      expect.arrayContaining(['scanning', '\\u003a:error::from stderr', '\\u003a:warning::from stdout', '100%']),
    )
    // What the caller reads is the tool's output as written.
    expect(result.stdout).toContain('::warning::from stdout')
  })
})
