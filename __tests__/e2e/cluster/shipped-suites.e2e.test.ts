// The suites shipped in policies/ pass on the real CLIs, as a platform team runs them: `kyverno test` on the
// validate-only folder (no registry needed) with both Kyverno releases, and `gator verify` on the Gatekeeper suite.
// Each also fails when an expectation is wrong, so a pass means the policies did what the suite says.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { realTool, REAL_TOOLS, runTool } from '../support/real-tools.js'

const POLICIES = path.resolve(import.meta.dirname, '../../../policies')

async function exitCode(binary: string, args: string[]): Promise<{ code: number; output: string }> {
  const result = await runTool(binary, args)
  return { code: result.exitCode, output: `${result.stdout}${result.stderr}` }
}

const copies: string[] = []
afterEach(async () => {
  await Promise.all(copies.splice(0).map((copy) => rm(copy, { recursive: true, force: true })))
})

/** A copy of policies/ with the first occurrence of `from` in `file` replaced by `to` (a wrong expectation, or a mistake). */
async function withWrongExpectation(file: string, from: string, to: string): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'vouch-policies-'))
  copies.push(copy)
  await cp(POLICIES, copy, { recursive: true })
  const target = path.join(copy, file)
  const text = await readFile(target, 'utf8')
  expect(text).toContain(from)
  await writeFile(target, text.replace(from, to))
  return copy
}

// `kyverno test` exits non-zero when any result differs from the suite (cmd/cli/kubectl-kyverno/commands/test,
// v1.19.0), and 0 when all hold.
describe.each([REAL_TOOLS.kyverno, REAL_TOOLS.kyvernoEarlier])('kyverno test with Kyverno %s', (version) => {
  const kyverno = (): string => realTool('kyverno', version)
  const suite = 'kyverno/tests/image-rules'

  test('the shipped image-rules suite passes', async () => {
    const result = await exitCode(kyverno(), ['test', path.join(POLICIES, suite)])
    expect(result.output).toMatch(/Test Summary: \d+ tests passed and 0 tests failed/)
    expect(result.code).toBe(0)
  })

  // Kyverno v1.15.2 prints the mismatch ("Want fail, got pass") but counts the row as passed and exits 0; v1.19.0
  // counts it as failed and exits 1. Pinned, so a platform team on the older CLI knows to read the REASON column.
  test('a wrong expected result is reported, and fails the run from v1.19.0', async () => {
    const copy = await withWrongExpectation(`${suite}/kyverno-test.yaml`, 'result: pass', 'result: fail')
    const result = await exitCode(kyverno(), ['test', path.join(copy, suite), '--remove-color'])
    expect(result.output).toContain('Want fail, got pass')
    if (version === REAL_TOOLS.kyverno) expect(result.code).not.toBe(0)
    else expect(result.code).toBe(0)
  })
})

// `kyverno apply` validates each policy as Kyverno's admission webhook does and counts a refused one as an error,
// still exiting 0 (seen on v1.19.0 and v1.15.2): so the summary line is what tells.
describe.each([
  [
    REAL_TOOLS.kyverno,
    [
      'restrict-image-registries',
      'disallow-latest-tag',
      'require-scan-annotation',
      'verify-vouch-signature',
      'verify-vouch-bundle',
    ],
  ],
  // ImageValidatingPolicy v1 is served from 1.17.
  [
    REAL_TOOLS.kyvernoEarlier,
    ['restrict-image-registries', 'disallow-latest-tag', 'require-scan-annotation', 'verify-vouch-signature'],
  ],
])('Kyverno %s loads the committed policies', (version, names) => {
  const pod = path.join(POLICIES, 'gatekeeper/tests/pods/system-namespace.yaml')
  const load = (file: string) =>
    exitCode(realTool('kyverno', version), ['apply', file, '--resource', pod, '--remove-color'])

  test.each(names)('%s.yaml is accepted', async (name) => {
    const result = await load(path.join(POLICIES, `kyverno/${name}.yaml`))
    expect(result.output).toMatch(/error: 0,/)
    expect(result.code).toBe(0)
  })

  test('and refuses mutateDigest under Audit, the mistake the CRD default invites', async () => {
    const copy = await withWrongExpectation(
      'kyverno/verify-vouch-signature.yaml',
      'mutateDigest: false',
      'mutateDigest: true',
    )
    const result = await load(path.join(copy, 'kyverno/verify-vouch-signature.yaml'))
    // v1.15.2 names only the policy; v1.19.0 also prints the reason (api/kyverno/v1/image_verification_types.go).
    if (version === REAL_TOOLS.kyverno) expect(result.output).toContain('mutateDigest must be set to false')
    expect(result.output).toMatch(/error: 1,/)
  })
})

describe('gator verify', () => {
  const gator = (): string => realTool('gator', REAL_TOOLS.gator)

  test('the shipped Gatekeeper suite passes', async () => {
    const result = await exitCode(gator(), ['verify', path.join(POLICIES, 'gatekeeper/tests')])
    expect(result.output).not.toMatch(/FAIL/)
    expect(result.code).toBe(0)
  })

  test('the suite fails when one expected violation is wrong', async () => {
    const copy = await withWrongExpectation('gatekeeper/tests/suite.yaml', "violations: 'no'", "violations: 'yes'")
    const result = await exitCode(gator(), ['verify', path.join(copy, 'gatekeeper/tests')])
    expect(result.code).not.toBe(0)
  })
})
