import { describe, expect, test } from 'vitest'
import {
  assetName,
  releaseAsset,
  runnerPlatform,
  type RunnerPlatform,
  type ToolOs,
  type ToolArch,
} from '../../src/tools/assets.js'
import { UnsupportedPlatformError } from '../../src/errors.js'

const platform = (os: ToolOs, arch: ToolArch): RunnerPlatform => ({ os, arch })

describe('runnerPlatform', () => {
  test.each([
    ['Linux', 'X64', 'linux', 'amd64'],
    ['Linux', 'ARM64', 'linux', 'arm64'],
    ['Linux', 'ARM', 'linux', 'arm'],
    ['macOS', 'X64', 'darwin', 'amd64'],
    ['macOS', 'ARM64', 'darwin', 'arm64'],
    ['Windows', 'X64', 'windows', 'amd64'],
    ['Windows', 'ARM64', 'windows', 'arm64'],
  ])('RUNNER_OS=%s RUNNER_ARCH=%s is %s/%s, whatever Node says', (runnerOs, runnerArch, os, arch) => {
    expect(runnerPlatform({ RUNNER_OS: runnerOs, RUNNER_ARCH: runnerArch }, 'aix', 'mips')).toEqual({ os, arch })
  })

  test.each([
    ['linux', 'x64', 'linux', 'amd64'],
    ['darwin', 'arm64', 'darwin', 'arm64'],
    ['win32', 'x64', 'windows', 'amd64'],
    ['linux', 'arm', 'linux', 'arm'],
    ['linux', 'ppc64', 'linux', 'ppc64le'],
    ['linux', 's390x', 'linux', 's390x'],
    ['linux', 'riscv64', 'linux', 'riscv64'],
  ])('without runner variables, Node %s/%s is %s/%s', (nodePlatform, nodeArch, os, arch) => {
    expect(runnerPlatform({}, nodePlatform, nodeArch)).toEqual({ os, arch })
  })

  test.each([
    [{ RUNNER_OS: 'Linux', RUNNER_ARCH: 'X86' }, 'linux', 'x64', /RUNNER_ARCH=X86/],
    [{ RUNNER_OS: 'FreeBSD', RUNNER_ARCH: 'X64' }, 'linux', 'x64', /RUNNER_OS=FreeBSD/],
    [{ RUNNER_OS: 'constructor', RUNNER_ARCH: 'X64' }, 'linux', 'x64', /RUNNER_OS=constructor/],
    [{}, 'aix', 'ppc64', /aix\/ppc64/],
    [{}, 'linux', 'ia32', /linux\/ia32/],
  ])('an unknown runner %j (%s/%s) is an error naming it', (env, nodePlatform, nodeArch, message) => {
    expect(() => runnerPlatform(env, nodePlatform, nodeArch)).toThrow(UnsupportedPlatformError)
    expect(() => runnerPlatform(env, nodePlatform, nodeArch)).toThrow(message)
  })
})

describe('asset names', () => {
  test.each([
    ['linux', 'amd64', 'trivy_0.74.0_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.74.0_Linux-ARM64.tar.gz'],
    ['darwin', 'amd64', 'trivy_0.74.0_macOS-64bit.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.74.0_macOS-ARM64.tar.gz'],
    ['windows', 'amd64', 'trivy_0.74.0_windows-64bit.zip'],
  ] as const)('trivy v0.74.0 on %s/%s is %s', (os, arch, name) => {
    expect(assetName('trivy', 'v0.74.0', platform(os, arch))).toBe(name)
  })

  test.each([
    ['linux', 'amd64', 'cosign-linux-amd64'],
    ['linux', 'arm64', 'cosign-linux-arm64'],
    ['linux', 'arm', 'cosign-linux-arm'],
    ['linux', 'ppc64le', 'cosign-linux-ppc64le'],
    ['linux', 'riscv64', 'cosign-linux-riscv64'],
    ['linux', 's390x', 'cosign-linux-s390x'],
    ['darwin', 'amd64', 'cosign-darwin-amd64'],
    ['darwin', 'arm64', 'cosign-darwin-arm64'],
    ['windows', 'amd64', 'cosign-windows-amd64.exe'],
  ] as const)('cosign on %s/%s is %s', (os, arch, name) => {
    expect(assetName('cosign', 'v3.0.6', platform(os, arch))).toBe(name)
  })

  test.each([
    ['trivy', 'windows', 'arm64', 'Windows ARM64'],
    ['trivy', 'linux', 'arm', 'Linux ARM'],
    ['trivy', 'darwin', 'arm', 'macOS ARM'],
    ['trivy', 'windows', 'arm', 'Windows ARM'],
    ['trivy', 'linux', 'ppc64le', 'Linux PPC64LE'],
    ['trivy', 'linux', 's390x', 'Linux S390X'],
    ['trivy', 'linux', 'riscv64', 'Linux RISCV64'],
    ['cosign', 'windows', 'arm64', 'Windows ARM64'],
    ['cosign', 'windows', 'arm', 'Windows ARM'],
    ['cosign', 'darwin', 'arm', 'macOS ARM'],
    ['cosign', 'darwin', 'ppc64le', 'macOS PPC64LE'],
  ] as const)('%s has no asset for %s/%s: the error names the runner (%s)', (tool, os, arch, label) => {
    const build = (): string => assetName(tool, 'v1.2.3', platform(os, arch))
    expect(build).toThrow(UnsupportedPlatformError)
    expect(build).toThrow(`${tool} v1.2.3 has no release asset for this runner (${label}, ${os}/${arch})`)
  })
})

describe('releaseAsset', () => {
  test.each([
    [
      'trivy',
      'linux',
      'amd64',
      undefined,
      'https://github.com/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_Linux-64bit.tar.gz',
      'tar.gz',
      'trivy',
    ],
    [
      'trivy',
      'windows',
      'amd64',
      'https://mirror.example.com/github',
      'https://mirror.example.com/github/aquasecurity/trivy/releases/download/v0.74.0/trivy_0.74.0_windows-64bit.zip',
      'zip',
      'trivy.exe',
    ],
    [
      'cosign',
      'darwin',
      'arm64',
      undefined,
      'https://github.com/sigstore/cosign/releases/download/v3.0.6/cosign-darwin-arm64',
      'binary',
      'cosign',
    ],
    [
      'cosign',
      'windows',
      'amd64',
      'http://127.0.0.1:8080/',
      'http://127.0.0.1:8080/sigstore/cosign/releases/download/v3.0.6/cosign-windows-amd64.exe',
      'binary',
      'cosign.exe',
    ],
  ] as const)('%s on %s/%s via %s', (tool, os, arch, mirror, url, kind, binary) => {
    const version = tool === 'trivy' ? 'v0.74.0' : 'v3.0.6'
    expect(releaseAsset(tool, version, platform(os, arch), mirror)).toMatchObject({ tool, version, url, kind, binary })
  })
})
