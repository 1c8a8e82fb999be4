import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readActionYaml, repoRoot } from '../harness/run-action.js'
import { pushImage, reports, startWorld, type World } from './world.js'
import { decodeEntities, didYouMean, renderCommandLine } from '../../src/terminal.js'

// `npm start -- --image … [--max-high 3 …]`: the same run(), flags named like the inputs, output on the terminal.
let world: World
beforeAll(async () => {
  world = await startWorld()
  await pushImage(world.registry.host, 'team/cli', '1.0')
})
const scratchDirs: string[] = []
afterAll(async () => {
  await world.close()
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const home = await mkdtemp(path.join(tmpdir(), 'vouch-cli-home-'))
  scratchDirs.push(home)
  return new Promise((resolve) => {
    execFile(
      path.join(repoRoot, 'node_modules/.bin/tsx'),
      [path.join(repoRoot, 'src/cli.ts'), ...args],
      // A developer's shell: no runner variables at all.
      { cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

function toolFlags(): string[] {
  return Object.entries(world.tools.inputs).flatMap(([name, value]) => [`--${name}`, value])
}

/** A scan of team/cli:1.0 with the fake tools, unsigned and uncached, the fake Trivy answering with `report`. */
function scanCli(flags: string[], report: string): Promise<CliRun> {
  const image = `${world.registry.host}/team/cli:1.0`
  return cli(['--image', image, ...flags, '--sign', 'false', '--cache', 'false', ...toolFlags()], {
    VOUCH_FAKE_TRIVY_REPORTS: JSON.stringify({ default: report }),
  })
}

describe('the local runner', () => {
  test('scans, prints the summary and the outputs, and exits 0 for a passed image', async () => {
    const run = await scanCli([], reports.mediumOnly)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/passed/)
    expect(run.stdout).toMatch(/^ {2}scan-status +passed$/m)
    expect(run.stdout).toContain(`${world.registry.host}/team/cli@sha256:`)
    // Reports land in the working directory, and they are still there after the run.
    // What the runner would render: groups as headings, no raw workflow commands, no debug lines, no entities.
    expect(run.stdout).toMatch(/^== Resolve the image to a digest ==$/m)
    expect(run.stdout).not.toMatch(/^::/m)
    expect(run.stdout).not.toMatch(/^debug: /m)
    expect(run.stdout).not.toMatch(/&#\d+;|&(amp|lt|gt|quot);/)
    const report = /^ {2}json-report +(\S+)$/m.exec(run.stdout)?.[1] ?? ''
    expect(report).toMatch(/vouch-output\/trivy\.json$/)
    expect(existsSync(report)).toBe(true)
  })

  test('a flag maps to its input: --max-critical 1 still fails two CRITICAL findings', async () => {
    const run = await scanCli(['--max-critical=1'], reports.critical)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/2 CRITICAL \(budget 1\)/)
  })

  test('a bad value is the same input error as in the action', async () => {
    const run = await cli(['--image', 'registry.example.com/app:1', '--max-high', '-1'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('`max-high` must be a whole number ≥ 0, or empty for no limit; got "-1"')
  })

  test('--debug shows the debug lines the runner hides', async () => {
    const run = await scanCli(['--debug'], reports.mediumOnly)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^debug: /m)
    expect(run.stdout).not.toMatch(/^::/m)
  })

  test('an input error leaves no scratch folder behind', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'vouch-cli-test-tmp-'))
    scratchDirs.push(scratch)
    const run = await cli(['--image', 'registry.example.com/app:1', '--max-high', '-1'], { TMPDIR: scratch })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('max-high')
    // (tsx keeps its own compile cache there, tsx-<uid>.)
    expect((await readdir(scratch)).filter((name) => name.startsWith('vouch-'))).toEqual([])
  })

  test('an unknown flag is refused with the input it resembles, and --help lists every input', async () => {
    const typo = await cli(['--image', 'x', '--max-hihg', '3'])
    expect(typo.code).toBe(1)
    expect(typo.stderr).toMatch(/--max-hihg is not an input of vouch; did you mean --max-high\?/)
    expect((await cli(['--image', 'x', '--frobnicate', '3'])).stderr).not.toMatch(/did you mean/)
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    for (const name of Object.keys((await readActionYaml()).inputs)) expect(help.stdout).toContain(`--${name} `)
    // Locally the reports go to ./vouch-output, and the help says so rather than the runner's default.
    expect(help.stdout).toMatch(/--output-dir .*\(default: \.\/vouch-output\)$/m)
    expect(help.stdout).not.toContain('runner.temp')
  })
})

describe('workflow commands and entities, for a terminal', () => {
  test.each([
    ['::group::Scan the image', '\n== Scan the image =='],
    ['::endgroup::', undefined],
    ['::debug::GET /v2/ 200', undefined],
    ['::warning::two lines%0Aof it, 100%25', 'warning: two lines\nof it, 100%'],
    ['::error file=a.yml,line=3::bad', 'error (a.yml:3): bad'],
    ['::add-mask::s3cret', undefined],
    ['plain text with :: inside', 'plain text with :: inside'],
  ])('%j', (line, shown) => {
    expect(renderCommandLine(line, false)).toBe(shown)
  })

  test('debug lines show only with --debug', () => {
    expect(renderCommandLine('::debug::resolved', true)).toBe('debug: resolved')
  })

  test('entities become characters; unknown ones stay', () => {
    expect(decodeEntities('ghcr.io/a/b&#64;sha256:1 &lt;x&gt; &amp;&amp; &#x2A; &bogus;')).toBe(
      'ghcr.io/a/b@sha256:1 <x> && * &bogus;',
    )
  })

  test('did you mean: close names only', () => {
    const names = ['max-high', 'max-critical', 'image', 'output-dir']
    expect(didYouMean('max-hihg', names)).toBe('max-high')
    expect(didYouMean('outputdir', names)).toBe('output-dir')
    expect(didYouMean('imgae', names)).toBe('image')
    expect(didYouMean('frobnicate', names)).toBeUndefined()
  })
})
