// Stand-in trivy and cosign for the overhead benchmark: tiny POSIX shell scripts that answer at once, so that what
// a run costs beyond them is vouch's own. Each records its argv (one JSON-free line per invocation) and answers just
// what vouch reads: versions, a report naming the pushed digest, a signature payload carrying the signed annotations,
// a vuln attestation of the digest. Packed as release assets shaped like the real ones, for the loopback mirror.
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { assetName, assetPath, runnerPlatform } from '../src/tools/assets.js'
import { startMirror, type Mirror } from '../__tests__/support/mirror.js'
import type { ToolFixtureInputs } from '../__tests__/support/tools.js'
import { scratchDir } from './scratch.js'

export const TRIVY_VERSION = 'v0.74.99'
export const COSIGN_VERSION = 'v3.0.99'

export interface StandIns {
  /** URL path on the mirror -> asset bytes. */
  assets: Map<string, Buffer>
  /** The tool inputs, with `tools-mirror` still to be set. */
  inputs: ToolFixtureInputs
  /** Where the stand-ins keep their state and log; `invocations()` reads the log. */
  state: string
  /** Every recorded invocation: tool, argv, and when it started (ms since the epoch, from the log file's name). */
  invocations(): { tool: string; argv: string[]; at: number }[]
  /** Forget the signature made by a previous run, so the next run signs again. */
  reset(): void
}

/** `state`: an empty directory; `digest`: the digest of the image the runs scan (the report names it). */
export interface StandInOptions {
  report: string
  repository: string
  digest: string
  /** Incompressible bytes added to each asset, to make downloads of a realistic length. */
  padBytes?: { trivy: number; cosign: number }
}

/**
 * Stand-ins for one pushed image in a scratch folder, served by a loopback mirror (throttled per connection when
 * `bytesPerSecond` is set) that closes when `use` ends.
 */
export async function withStandIns<T>(
  options: StandInOptions & { bytesPerSecond?: number },
  use: (tools: StandIns, mirror: Mirror) => Promise<T>,
): Promise<T> {
  const { bytesPerSecond, ...toolOptions } = options
  const tools = standIns(scratchDir('vouch-bench-tools-'), toolOptions)
  const mirror = await startMirror(tools.assets, bytesPerSecond === undefined ? {} : { bytesPerSecond })
  try {
    return await use(tools, mirror)
  } finally {
    await mirror.close()
  }
}

export function standIns(state: string, options: StandInOptions): StandIns {
  mkdirSync(path.join(state, 'log'), { recursive: true })
  writeFileSync(path.join(state, 'report.json'), reportFor(options))
  const updatedAt = new Date(Date.now() - 3_600_000).toISOString()
  const nextUpdate = new Date(Date.now() + 20 * 3_600_000).toISOString()
  writeFileSync(
    path.join(state, 'metadata.json'),
    JSON.stringify({ Version: 2, NextUpdate: nextUpdate, UpdatedAt: updatedAt, DownloadedAt: updatedAt }),
  )
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    subject: [{ name: options.repository, digest: { sha256: options.digest.replace(/^sha256:/, '') } }],
    predicate: {},
  }
  writeFileSync(
    path.join(state, 'attestation.json'),
    `${JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64') })}\n`,
  )

  // Named as vouch names the assets it downloads for this runner.
  const trivyName = assetName('trivy', TRIVY_VERSION, runnerPlatform())
  const cosignName = assetName('cosign', COSIGN_VERSION, runnerPlatform())
  const pad = options.padBytes ?? { trivy: 0, cosign: 0 }
  const trivy = packTrivy(path.join(state, 'pack'), trivyName, trivyScript(state), pad.trivy)
  // The shell never reads past the script's last `exit`: a trailing comment line can be as long as it likes.
  const padding = pad.cosign > 0 ? `# ${randomBytes(pad.cosign).toString('base64').slice(0, pad.cosign)}\n` : ''
  const cosign = Buffer.from(cosignScript(state, options.repository, options.digest) + padding)
  return {
    assets: new Map([
      [assetPath('trivy', TRIVY_VERSION, trivyName), trivy],
      [assetPath('cosign', COSIGN_VERSION, cosignName), cosign],
    ]),
    inputs: {
      'tools-mirror': '',
      'trivy-version': TRIVY_VERSION,
      'trivy-sha256': sha256(trivy),
      'cosign-version': COSIGN_VERSION,
      'cosign-sha256': sha256(cosign),
    },
    state,
    invocations: () =>
      readdirSync(path.join(state, 'log'))
        .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]))
        .map((name) => {
          const [tool = '', ...argv] = readFileSync(path.join(state, 'log', name), 'utf8')
            .split('\n')
            .slice(0, -1)
          return { tool, argv, at: Number(name.split('-')[0]) / 1e6 }
        }),
    reset: () => {
      for (const file of ['signed', 'optional.json']) rmSync(path.join(state, file), { force: true })
    },
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

// Where the report names what was scanned: the stand-in puts the image it was given there, as Trivy does, so that an
// index's images each get a report naming their own digest.
const SCANNED = '@@SCANNED@@'

/** The report as Trivy writes it, with SCANNED where the image scanned goes. */
function reportFor(options: { report: string }): string {
  const report = JSON.parse(readFileSync(options.report, 'utf8')) as Record<string, unknown>
  const pinned = SCANNED
  report.ArtifactName = pinned
  report.Metadata = { ...(report.Metadata as object), RepoDigests: [pinned] }
  return `${JSON.stringify(report, null, 2)}\n`
}

// Each invocation writes its argv to a file of its own (`<nanoseconds>-<pid>`), one argument per line, tool first.
// It reads its stdin to the end first: vouch writes an empty stdin and closes it, and a tool that exits before that
// write lands makes it fail with EPIPE (@actions/exec has no error handler on the child's stdin).
const RECORD = (state: string, tool: string): string =>
  `cat > /dev/null\nprintf '%s\\n' ${tool} "$@" > "${state}/log/$(date +%s%N)-$$"`

function trivyScript(state: string): string {
  return `#!/bin/sh
# vouch bench stand-in trivy ${TRIVY_VERSION}: answers at once.
${RECORD(state, 'trivy')}
out= cache= prev=
for arg in "$@"; do
  case "$prev" in --output) out=$arg ;; --cache-dir) cache=$arg ;; esac
  prev=$arg
done
case "$1" in
  --version)
    case " $* " in
      *' json '*) printf '{"Version":"${TRIVY_VERSION.slice(1)}"}\\n' ;;
      *) printf 'Version: ${TRIVY_VERSION.slice(1)}\\n' ;;
    esac
    exit 0 ;;
  image)
    mkdir -p "$cache/db" && cp "${state}/metadata.json" "$cache/db/metadata.json" && sed "s|${SCANNED}|$prev|g" "${state}/report.json" > "$out"
    exit $? ;;
esac
echo "Error: unknown command \\"$1\\" for \\"trivy\\"" >&2
exit 1
`
}

function cosignScript(state: string, repository: string, digest: string): string {
  // `cosign verify --output json`: the payload, with the optional map the last sign wrote in between.
  const before =
    `[{"critical":{"identity":{"docker-reference":"${repository}"},"image":{"docker-manifest-digest":"${digest}"},` +
    `"type":"cosign container image signature"},"optional":`
  const after = '}]'
  return `#!/bin/sh
# vouch bench stand-in cosign ${COSIGN_VERSION}: answers at once.
${RECORD(state, 'cosign')}
case "$1" in
  version)
    printf 'GitVersion:    ${COSIGN_VERSION}\\n'
    exit 0 ;;
  public-key)
    printf -- '-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbenchbenchbenchbenchbenchbenchbench\\n-----END PUBLIC KEY-----\\n'
    exit 0 ;;
  sign)
    # The annotations signed into the payload (-a key=value; the values vouch signs need no JSON escaping).
    json= prev=
    for arg in "$@"; do
      if [ "$prev" = -a ]; then json="$json\${json:+,}\\"\${arg%%=*}\\":\\"\${arg#*=}\\""; fi
      prev=$arg
    done
    printf '{%s}' "$json" > "${state}/optional.json" && touch "${state}/signed"
    exit $? ;;
  attest)
    exit 0 ;;
  verify)
    if [ ! -f "${state}/signed" ]; then echo 'Error: no signatures found' >&2; exit 10; fi
    printf '%s%s%s\\n' '${before}' "$(cat "${state}/optional.json")" '${after}'
    exit 0 ;;
  verify-attestation)
    cat "${state}/attestation.json"
    exit 0 ;;
esac
echo "Error: unknown command \\"$1\\" for \\"cosign\\"" >&2
exit 1
`
}

function packTrivy(work: string, name: string, script: string, padBytes: number): Buffer {
  mkdirSync(work, { recursive: true })
  const files = ['trivy', 'LICENSE', 'README.md']
  if (padBytes > 0) {
    writeFileSync(path.join(work, 'padding'), randomBytes(padBytes))
    files.push('padding')
  }
  writeFileSync(path.join(work, 'trivy'), script)
  chmodSync(path.join(work, 'trivy'), 0o755)
  writeFileSync(path.join(work, 'LICENSE'), 'Apache License\nVersion 2.0, January 2004\n')
  writeFileSync(path.join(work, 'README.md'), `# Trivy (vouch bench stand-in ${TRIVY_VERSION})\n`)
  const out = path.join(work, name)
  execFileSync('tar', ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', ...files], { cwd: work })
  return readFileSync(out)
}
