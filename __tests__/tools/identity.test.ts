import { describe, expect, test } from 'vitest'
import { IntegrityError } from '../../src/errors.js'
import type { Exec, ExecResult } from '../../src/exec.js'
import { checkToolIdentity, parseCosignVersion, parseTrivyVersion } from '../../src/tools/identity.js'
import type { InstalledTool } from '../../src/tools/request.js'

// The exact text of aquasecurity/trivy pkg/version/version_test.go (Test_VersionInfoString), with a release number.
const TRIVY_WITH_DB = `Version: 0.74.0
Vulnerability DB:
  Version: 2
  UpdatedAt: 2023-07-20 12:11:37.696263932 +0000 UTC
  NextUpdate: 2023-07-20 18:11:37.696263532 +0000 UTC
  DownloadedAt: 2023-07-25 07:01:41.239158 +0000 UTC
Java DB:
  Version: 1
  UpdatedAt: 2023-07-25 01:03:52.169192765 +0000 UTC
  NextUpdate: 2023-07-28 01:03:52.169192565 +0000 UTC
  DownloadedAt: 2023-07-25 09:37:48.906152 +0000 UTC
Check Bundle:
  Digest: sha256:829832357626da2677955e3b427191212978ba20012b6eaa03229ca28569ae43
  DownloadedAt: 2023-07-23 16:40:33.122462 +0000 UTC
`

// As printed since cosign 1.7 (sigstore/cosign#1668), with the fields of a v3.0.6 release.
const COSIGN = `  ______   ______        _______. __    _______ .__   __.
 /      | /  __  \\      /       ||  |  /  _____||  \\ |  |
|  ,----'|  |  |  |    |   (----\`|  | |  |  __  |   \\|  |
|  |     |  |  |  |     \\   \\    |  | |  | |_ | |  . \`  |
|  \`----.|  \`--'  | .----)   |   |  | |  |__| | |  |\\   |
 \\______| \\______/  |_______/    |__|  \\______| |__| \\__|
cosign: A tool for Container Signing, Verification and Storage in an OCI registry.

GitVersion:    v3.0.6
GitCommit:     d6d86c224e5899b54f56cbb063b79dc43abc11c2
GitTreeState:  clean
BuildDate:     2026-04-01T12:00:00Z
GoVersion:     go1.25.7
Compiler:      gc
Platform:      linux/amd64
`

describe('parsers', () => {
  test.each([
    ['Version: 0.74.0\n', '0.74.0'],
    [TRIVY_WITH_DB, '0.74.0'],
    ['Version: 0.74.0\r\n', '0.74.0'],
    ['Version: dev\n', 'dev'],
    ['  Version: 2\n', undefined],
    ['trivy version 0.74.0\n', undefined],
    ['', undefined],
  ])('parseTrivyVersion(%j) is %j', (stdout, version) => {
    expect(parseTrivyVersion(stdout)).toBe(version)
  })

  test.each([
    [COSIGN, 'v3.0.6'],
    [COSIGN.replace('v3.0.6', 'v2.4.1'), 'v2.4.1'],
    ['GitVersion:    v2.6.1\r\nGitCommit: abc\r\n', 'v2.6.1'],
    ['{"GitVersion": "v3.0.6"}', undefined],
    ['cosign version v3.0.6', undefined],
  ])('parseCosignVersion(...) of sample %# is %j', (stdout, version) => {
    expect(parseCosignVersion(stdout)).toBe(version)
  })
})

describe('checkToolIdentity', () => {
  const trivy: InstalledTool = {
    tool: 'trivy',
    version: 'v0.74.0',
    path: '/cache/trivy',
    sha256: 'a'.repeat(64),
    fromCache: false,
  }
  const cosign: InstalledTool = {
    tool: 'cosign',
    version: 'v3.0.6',
    path: '/cache/cosign',
    sha256: 'b'.repeat(64),
    fromCache: false,
  }
  const answering =
    (result: Partial<ExecResult>, calls: [string, string[]][] = []): Exec =>
    async (command, args) => {
      calls.push([command, args])
      return { exitCode: 0, stdout: '', stderr: '', ...result }
    }

  test('runs `trivy --version` and `cosign version` by absolute path, and accepts the right version', async () => {
    const calls: [string, string[]][] = []
    await checkToolIdentity(trivy, answering({ stdout: TRIVY_WITH_DB }, calls))
    await checkToolIdentity(cosign, answering({ stdout: COSIGN }, calls))
    expect(calls).toEqual([
      ['/cache/trivy', ['--version']],
      ['/cache/cosign', ['version']],
    ])
  })

  test.each([
    [trivy, { stdout: 'Version: 0.74.1\n' }, '/cache/trivy reports version 0.74.1, but trivy v0.74.0 was requested'],
    [
      cosign,
      { stdout: COSIGN.replace('v3.0.6', 'v3.0.5') },
      '/cache/cosign reports version v3.0.5, but cosign v3.0.6 was requested',
    ],
    [trivy, { stdout: 'hello\n' }, '`trivy --version` did not print a version this action recognises: hello'],
    [
      cosign,
      { exitCode: 1, stderr: 'Error: unknown command "version" for "cosign"\n' },
      '`cosign version` exited 1: Error: unknown command',
    ],
    [trivy, { exitCode: 139, stdout: '' }, '`trivy --version` exited 139'],
  ] as [InstalledTool, Partial<ExecResult>, string][])('%# is an IntegrityError: %s', async (tool, result, message) => {
    const check = checkToolIdentity(tool, answering(result))
    await expect(check).rejects.toThrow(IntegrityError)
    await expect(checkToolIdentity(tool, answering(result))).rejects.toThrow(message)
  })

  test('a binary that cannot be started is an IntegrityError', async () => {
    const failing: Exec = async () => {
      throw new Error('spawn EACCES')
    }
    await expect(checkToolIdentity(trivy, failing)).rejects.toThrow(
      '/cache/trivy could not be run for `trivy --version`: spawn EACCES',
    )
  })
})
