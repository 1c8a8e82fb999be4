import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { newRunner } from '../harness/run-action.js'
import { reports, runScenario, worldWithImage } from './world.js'

// Exceptions through the bundled action: the ignore file is read before anything is downloaded, applied by vouch
// (never handed to Trivy), and every suppressed finding is listed with its reason.
const scene = worldWithImage('team/exc', '1.0')
const image = scene.image

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

async function ignoreFile(name: string, text: string) {
  const runner = await newRunner()
  const file = path.join(runner.workspace, name)
  await writeFile(file, text)
  return { runner, file }
}

describe('ignore-file', () => {
  test('a live exception with a statement suppresses the CRITICAL findings and lists them', async () => {
    // alpine 3.9's two CRITICAL findings are CVE-2019-14697 in musl and musl-utils.
    const { runner, file } = await ignoreFile(
      '.trivyignore.yaml',
      `vulnerabilities:\n  - id: CVE-2019-14697\n    statement: musl is not reachable from the service\n    expired_at: ${day(30)}\n`,
    )
    const run = await runScenario(scene.world, image(), {
      runner,
      reports: { default: reports.critical },
      inputs: { 'ignore-file': file, sign: 'false' },
    })
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.outputs).toMatchObject({ 'scan-status': 'passed', critical: '0', ignored: '2' })
    expect(run.summary).toContain('musl is not reachable from the service')
    const scan = run.invocations.find((call) => call.tool === 'trivy' && call.argv[0] === 'image')
    expect(scan?.argv.join(' ')).not.toMatch(/ignorefile|trivyignore/)
  })

  test('an expired exception suppresses nothing and is called out', async () => {
    const { runner, file } = await ignoreFile(
      '.trivyignore',
      `# accepted until the base image moves\nCVE-2019-14697 exp:${day(-1)}\n`,
    )
    const run = await runScenario(scene.world, image(), {
      runner,
      reports: { default: reports.critical },
      inputs: { 'ignore-file': file, sign: 'false' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'scan-status': 'failed', critical: '2', ignored: '0' })
    expect(run.warnings.join('\n')).toContain('CVE-2019-14697')
  })

  test('strict-exceptions refuses an entry without a statement, before any download', async () => {
    const { runner, file } = await ignoreFile('.trivyignore', `CVE-2019-14697 exp:${day(30)}\n`)
    const before = scene.world.mirror.requests.length
    const run = await runScenario(scene.world, image(), {
      runner,
      inputs: { 'ignore-file': file, 'strict-exceptions': 'true' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toMatch(/`ignore-file`|`strict-exceptions`/)
    expect(run.invocations).toEqual([])
    expect(scene.world.mirror.requests.length).toBe(before)
  })

  test('a missing ignore file is an input error naming ignore-file, before any download', async () => {
    const before = scene.world.mirror.requests.length
    const run = await runScenario(scene.world, image(), { inputs: { 'ignore-file': '/nonexistent/.trivyignore' } })
    expect(run.exitCode).toBe(1)
    expect(run.errors.join('\n')).toContain('`ignore-file`')
    expect(run.invocations).toEqual([])
    expect(scene.world.mirror.requests.length).toBe(before)
  })
})
