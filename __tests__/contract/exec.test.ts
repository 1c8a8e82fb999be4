// The one way vouch runs a program: its stdin is empty and closed, whatever the program does with it.
import { describe, expect, test } from 'vitest'
import { exec } from '../../src/exec.js'

describe('running a tool', () => {
  test('a tool that reads stdin gets end-of-file at once: cosign can never wait for a password', async () => {
    const result = await exec('sh', ['-c', 'if read line; then echo "read:$line"; else echo "eof"; fi'])
    expect(result).toEqual({ exitCode: 0, stdout: 'eof\n', stderr: '' })
  })

  test('tools that exit before reading anything never fail the action (no write to a closed stdin)', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => exec('sh', ['-c', 'exit 3'])))
    expect(results.map((result) => result.exitCode)).toEqual(Array(40).fill(3))
  })

  test('a program that does not exist is an error naming it', async () => {
    await expect(exec('/nonexistent/vouch-tool', [])).rejects.toThrow('could not run /nonexistent/vouch-tool')
  })

  test('a tool killed by a signal did not succeed', async () => {
    const result = await exec('sh', ['-c', 'kill -9 $$'])
    expect(result.exitCode).not.toBe(0)
  })

  test('stdout and stderr are kept apart, byte for byte', async () => {
    const result = await exec(process.execPath, ['-e', "process.stdout.write('é\\n'); process.stderr.write('x')"])
    expect(result).toEqual({ exitCode: 0, stdout: 'é\n', stderr: 'x' })
  })
})
