#!/usr/bin/env node
// A stand-in `cosign` for tests: `version` here; sign, attest, verify, verify-attestation, public-key, triangulate
// and tree in cosign-commands.mjs. Any other subcommand fails as cobra does.
// VOUCH_FAKE_COSIGN_SLOW=verify:800,tree:50 makes those subcommands take that many milliseconds (ordering tests).
import { setTimeout } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import process from 'node:process'
import { logInvocation } from './lib.mjs'
import { COMMANDS, handle, posixArgs } from './cosign-commands.mjs'
import { cosignFlagTable } from './cosign-flags.mjs'
import { FlagError, parseFlags } from './pflag.mjs'

/** Replaced with the release's version (no `v`) when __tests__/support/tools.ts packs this script. */
export const VERSION = '0.0.0-dev'

// The banner sigs.k8s.io/release-utils prints above the version fields (cosign 1.7 and later).
const BANNER = String.raw`  ______   ______        _______. __    _______ .__   __.
 /      | /  __  \      /       ||  |  /  _____||  \ |  |
|  ,----'|  |  |  |    |   (----${'`'}|  | |  |  __  |   \|  |
|  |     |  |  |  |     \   \    |  | |  | |_ | |  . ${'`'}  |
|  ${'`'}----.|  ${'`'}--'  | .----)   |   |  | |  |__| | |  |\   |
 \______| \______/  |_______/    |__|  \______| |__| \__|
cosign: A tool for Container Signing, Verification and Storage in an OCI registry.
`

const GO_PLATFORM = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }

function versionInfo() {
  return {
    GitVersion: `v${VERSION}`,
    GitCommit: 'd6d86c224e5899b54f56cbb063b79dc43abc11c2',
    GitTreeState: 'clean',
    BuildDate: '2026-07-24T09:12:44Z',
    GoVersion: 'go1.25.7',
    Compiler: 'gc',
    Platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${GO_PLATFORM[process.arch] ?? process.arch}`,
  }
}

export const commands = {
  version(args) {
    const info = versionInfo()
    let parsed
    try {
      parsed = parseFlags(args, cosignFlagTable('version', VERSION))
    } catch (error) {
      if (!(error instanceof FlagError)) throw error
      process.stderr.write(`Error: ${error.message}\nerror during command execution: ${error.message}\n`)
      return 1
    }
    if (parsed.values.get('json')) {
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`)
      return 0
    }
    const fields = Object.entries(info).map(([key, value]) => `${`${key}:`.padEnd(15)}${value}`)
    process.stdout.write(`${BANNER}\n${fields.join('\n')}\n\n`)
    return 0
  },
}

for (const name of COMMANDS)
  commands[name] = (args) => handle([name, ...args], process.env, undefined, { version: VERSION })

export async function main(argv) {
  logInvocation('cosign', argv)
  const [name, ...args] = posixArgs(argv, process.stderr)
  const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined
  if (command === undefined) {
    process.stderr.write(
      `Error: unknown command ${JSON.stringify(name ?? '')} for "cosign"\nRun 'cosign --help' for usage.\n`,
    )
    return 1
  }
  const slow = (process.env.VOUCH_FAKE_COSIGN_SLOW ?? '').split(',').find((entry) => entry.startsWith(`${name}:`))
  if (slow !== undefined) await setTimeout(Number(slow.slice(name.length + 1)))
  return command(args)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
