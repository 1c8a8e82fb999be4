import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  MAX_FALLBACK_AGE_HOURS,
  dbAgeHours,
  decideFallback,
  describeDbAge,
  downloadedFrom,
  isDbDownloadFailure,
  isJavaDbFailure,
  isScanTimeout,
  parseDbMetadata,
  stderrTail,
} from '../../src/trivy/db.js'

// aquasecurity/trivy pkg/commands/testdata/db/metadata.json (see fixtures/SOURCES.md).
const metadataJson = readFileSync(new URL('../fixtures/trivy-db/metadata.json', import.meta.url), 'utf8')

describe('parseDbMetadata', () => {
  test('reads the metadata.json Trivy writes', () => {
    expect(parseDbMetadata(metadataJson)).toEqual({
      version: 2,
      updatedAt: '2022-03-02T06:07:07.99504083Z',
      nextUpdate: '2022-03-02T12:07:07.99504023Z',
      downloadedAt: '2022-03-02T10:03:38.383312Z',
    })
  })

  test.each([
    ['not JSON', '{"Version": 2,'],
    ['JSON null', 'null'],
    ['no UpdatedAt', '{"Version":2,"NextUpdate":"2026-08-01T00:00:00Z"}'],
    ['an UpdatedAt that is not a time', '{"Version":2,"UpdatedAt":"yesterday"}'],
    ['an UpdatedAt that is not a string', '{"Version":2,"UpdatedAt":20220302}'],
  ])('is undefined for %s', (_case, json) => {
    expect(parseDbMetadata(json)).toBeUndefined()
  })
})

describe('age and fallback', () => {
  const meta = parseDbMetadata(metadataJson)!
  const built = Date.parse('2022-03-02T06:07:07.995Z')
  const after = (hours: number) => new Date(built + hours * 3_600_000)

  test('age is counted from when the DB was built, not downloaded', () => {
    expect(dbAgeHours(meta, after(30))).toBeCloseTo(30, 6)
  })

  test('a clock behind the DB builder does not make a negative age', () => {
    expect(dbAgeHours(meta, after(-2))).toBe(0)
  })

  test.each([
    [1, true],
    [6 * 24 + 23, true],
    [MAX_FALLBACK_AGE_HOURS, false],
    [8 * 24, false],
  ])('a cached DB %s hours old may be used: %s', (hours, usable) => {
    expect(decideFallback(meta, after(hours)).use).toBe(usable)
  })

  test('without a cached DB there is nothing to fall back on', () => {
    expect(decideFallback(undefined, after(1))).toEqual({ use: false, reason: 'missing' })
  })

  test.each([
    [0.2, '12 minutes'],
    [0, '1 minute'],
    [1, '1 hour'],
    [47.9, '47 hours'],
    [50, '2 days'],
    [8 * 24 + 3, '8 days'],
  ])('describeDbAge(%s) is "%s"', (hours, text) => {
    expect(describeDbAge(hours)).toBe(text)
  })
})

// Trivy's stderr as users reported it, copied from the issues named beside each case. Lines wrapped by a log
// viewer were joined back; tabs and the "1 error occurred:\n\t* …" layout are Trivy's own.
const TRIVY_MESSAGES: [string, string, boolean][] = [
  [
    'ghcr.io rate limit on the DB manifest (GSA-TTS/FAC#4384, v0.56)',
    '2024-10-15T14:30:18Z\tINFO\t[vulndb] Need to update DB\n' +
      '2024-10-15T14:30:18Z\tINFO\t[vulndb] Downloading vulnerability DB...\n' +
      '2024-10-15T14:30:18Z\tINFO\t[vulndb] Downloading artifact...\trepo="ghcr.io/aquasecurity/trivy-db:2"\n' +
      '2024-10-15T14:30:19Z\tERROR\t[vulndb] Failed to download artifact\trepo="ghcr.io/aquasecurity/trivy-db:2" err="OCI repository error: 1 error occurred:\\n\\t* GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 127.702µs, allowed: 44000/minute\\n\\n"\n' +
      '2024-10-15T14:30:19Z\tFATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from any source\n',
    true,
  ],
  [
    'ghcr.io rate limit on a DB layer (dagger/dagger#8644)',
    '2024-10-08T10:20:52Z\tINFO\tNeed to update DB\n' +
      '2024-10-08T10:20:52Z\tINFO\tDownloading DB...\trepository="ghcr.io/aquasecurity/trivy-db:2"\n' +
      '2024-10-08T10:20:52Z\tFATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: database download error: oci download error: failed to fetch the layer: GET https://ghcr.io/v2/aquasecurity/trivy-db/blobs/sha256:95d05be1e5cf9431ddaa617d84af4d0526511a39984d7a709f4043339931da6a: TOOMANYREQUESTS: retry-after: 454.813µs, allowed: 44000/minute\n',
    true,
  ],
  [
    '503 from ghcr.io (aquasecurity/trivy-operator#1527)',
    '2023-09-21T13:49:18.721+0300\tINFO\tNeed to update DB\n' +
      '2023-09-21T13:49:18.721+0300\tINFO\tDB Repository: ghcr.io/aquasecurity/trivy-db\n' +
      '2023-09-21T13:49:18.721+0300\tINFO\tDownloading DB...\n' +
      '2023-09-21T13:49:20.001+0300\tFATAL\tinit error: DB error: failed to download vulnerability DB: database download error: OCI repository error: 1 error occurred:\n' +
      '\t* GET https://ghcr.io/v2/: unexpected status code 503 Service Unavailable\n',
    true,
  ],
  [
    'ghcr.io token service unavailable (aquasecurity/trivy#3848)',
    '2023-03-15T15:41:08.947+0100\tFATAL\tinit error: DB error: failed to download vulnerability DB: OCI artifact error: OCI artifact error: OCI repository error: GET https://ghcr.io/token?scope=repository%3Aaquasecurity%2Ftrivy-db%3Apull&service=ghcr.io: UNAVAILABLE: service unavailable\n',
    true,
  ],
  [
    'DNS i/o timeout reaching ghcr.io (opendatahub-io/notebooks#776)',
    '2024-11-22T19:52:49Z\tINFO\tDownloading DB...\trepository="ghcr.io/aquasecurity/trivy-db:2"\n' +
      '2024-11-22T19:53:49Z\tFATAL\tFatal error\tinit error: DB error: failed to download vulnerability DB: database download error: OCI repository error: 1 error occurred:\n' +
      '\t* Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io on 168.63.129.16:53: read udp 10.88.0.2:43149->168.63.129.16:53: i/o timeout\n',
    true,
  ],
  [
    'mirror.gcr.io unreachable (aquasecurity/trivy-action#443)',
    'FATAL   Fatal error     init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact from mirror.gcr.io/aquasec/trivy-db:2: OCI repository error: 1 error occurred:         * Get "https://mirror.gcr.io/v2/": dial tcp 74.125.197.82:443: connectex: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond',
    true,
  ],
  [
    'GitHub API rate limit in the releases era (ballerina-platform/module-ballerina-docker#381)',
    '2020-03-25T09:48:12.681Z\tFATAL\tfailed to download vulnerability DB: failed to download vulnerability DB: failed to list releases: GET https://api.github.com/repos/aquasecurity/trivy-db/releases: 403 API rate limit exceeded for 35.231.58.0.\n',
    true,
  ],
  [
    'Java DB rate limit during the scan (nmaguiar/imgutils .github/sec-latest.md)',
    '2024-11-05T07:07:51Z\tERROR\t[javadb] Failed to download artifact\trepo="ghcr.io/aquasecurity/trivy-java-db:1" err="oci download error: failed to fetch the layer: GET https://ghcr.io/v2/aquasecurity/trivy-java-db/blobs/sha256:40faa1dc2f90a77c2af24a37179b8d634cbdcbe8621f334c829f7a3f188b94a9: TOOMANYREQUESTS: retry-after: 641.554µs, allowed: 44000/minute"\n' +
      '2024-11-05T07:07:51Z\tFATAL\tFatal error\timage scan error: scan error: scan failed: failed analysis: analyze error: pipeline error: failed to analyze layer (sha256:d59579b49b6ebed4ff511e346f4b8934ef9c99a3a0571719772ab6a2b5af6f2e): post analysis error: post analysis error: Unable to initialize the Java DB: Java DB update failed: OCI artifact error: failed to download Java DB: failed to download artifact from any source\n',
    true,
  ],
  [
    'the scan timed out, v0.2x wording (keycloak/keycloak#16974)',
    '2023-02-04T06:02:44.212Z\tINFO\tAnalyzing JAR files takes a while...\n' +
      '2023-02-04T06:07:20.823Z\tWARN\tIncrease --timeout value\n' +
      '2023-02-04T06:07:20.823Z\tFATAL\timage scan error: scan error: scan failed: failed analysis: analyze error: timeout: context deadline exceeded\n',
    false,
  ],
  [
    'the scan timed out, v0.58 wording (a Trivy LXC scan write-up)',
    '2024-12-22T11:43:14+01:00\tINFO\t[vulndb] Artifact successfully downloaded\trepo="mirror.gcr.io/aquasec/trivy-db:2"\n' +
      '2024-12-22T11:48:03+01:00\tWARN\tProvide a higher timeout value, see https://aquasecurity.github.io/trivy/v0.58/docs/configuration\n' +
      '2024-12-22T11:48:03+01:00\tFATAL\tFatal error\trootfs scan error: scan error: scan failed: failed analysis: post analysis error: post analysis error: walk dir error: context deadline exceeded\n',
    false,
  ],
  [
    'Docker Hub rate-limits the scanned image, not the DB (aquasecurity/trivy-operator#2496)',
    '2025-03-25T01:35:00Z\tFATAL\tFatal error\timage scan error: scan error: unable to initialize a scanner: unable to initialize an image scanner: unable to find the specified image "knqyf263/vuln-image:1.2.3" in ["docker" "containerd" "podman" "remote"]: 4 errors occurred:\n' +
      '\t* docker error: unable to inspect the image (knqyf263/vuln-image:1.2.3): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' +
      '\t* containerd error: containerd socket not found: /run/containerd/containerd.sock\n' +
      '\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: no such file or directory\n' +
      '\t* remote error: GET https://index.docker.io/v2/knqyf263/vuln-image/manifests/1.2.3: TOOMANYREQUESTS: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit\n',
    false,
  ],
  [
    'the image does not exist (aquasecurity/trivy#5973)',
    '2024-01-19T08:15:33.288Z\tFATAL\timage scan error: scan error: unable to initialize a scanner: unable to initialize an image scanner: 4 errors occurred:\n' +
      '\t* docker error: unable to inspect the image (ContainerImageName): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' +
      '\t* containerd error: containerd socket not found: /run/containerd/containerd.sock\n' +
      '\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: no such file or directory\n' +
      '\t* remote error: GET https://index.docker.io/v2/ContainerImageName: MANIFEST_UNKNOWN: manifest unknown; unknown tag=0.1\n',
    false,
  ],
  [
    'one mirror failed, the next served the DB, then the image could not be found',
    '2024-10-15T14:30:19Z\tERROR\t[vulndb] Failed to download artifact\trepo="mirror.gcr.io/aquasec/trivy-db:2" err="OCI repository error: 1 error occurred:\\n\\t* GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 127.702µs, allowed: 44000/minute\\n\\n"\n' +
      '2024-12-22T11:43:14+01:00\tINFO\t[vulndb] Artifact successfully downloaded\trepo="ghcr.io/aquasecurity/trivy-db:2"\n' +
      '2024-01-19T08:15:33.288Z\tFATAL\timage scan error: scan error: unable to initialize a scanner: unable to initialize an image scanner: 4 errors occurred:\n' +
      '\t* remote error: GET https://index.docker.io/v2/ContainerImageName: MANIFEST_UNKNOWN: manifest unknown; unknown tag=0.1\n',
    false,
  ],
  ['nothing on stderr', '', false],
]

describe('reading Trivy’s stderr', () => {
  test.each(TRIVY_MESSAGES)('%s: a DB download failure is %s', (_case, stderr, expected) => {
    expect(isDbDownloadFailure(stderr)).toBe(expected)
  })

  test.each(TRIVY_MESSAGES.map(([name, stderr]) => [name, stderr, name.startsWith('the scan timed out')] as const))(
    '%s: a scan timeout is %s',
    (_case, stderr, expected) => {
      expect(isScanTimeout(stderr)).toBe(expected)
    },
  )

  test.each(TRIVY_MESSAGES.map(([name, stderr]) => [name, stderr, name.startsWith('Java DB')] as const))(
    '%s: a Java DB failure is %s',
    (_case, stderr, expected) => {
      expect(isJavaDbFailure(stderr)).toBe(expected)
    },
  )

  test('names the mirror Trivy downloaded the DB from', () => {
    const line =
      '2024-12-22T11:43:14+01:00\tINFO\t[vulndb] Artifact successfully downloaded\trepo="mirror.gcr.io/aquasec/trivy-db:2"\n'
    expect(downloadedFrom(line)).toBe('mirror.gcr.io/aquasec/trivy-db:2')
    expect(downloadedFrom('2024-10-15T14:30:18Z\tINFO\t[vulndb] Need to update DB\n')).toBeUndefined()
  })

  test('stderrTail keeps the last lines without colours or progress-bar redraws', () => {
    const stderr =
      '2024-10-08T10:20:52Z\t\u001b[34mINFO\u001b[0m\tNeed to update DB\n' +
      ' 1.00 MiB / 54.79 MiB\r 54.79 MiB / 54.79 MiB [----->] 100.00%\n\n' +
      '2024-10-08T10:20:52Z\t\u001b[31mFATAL\u001b[0m\tFatal error\tinit error\n'
    expect(stderrTail(stderr, 2)).toBe(
      ' 54.79 MiB / 54.79 MiB [----->] 100.00%\n2024-10-08T10:20:52Z\tFATAL\tFatal error\tinit error',
    )
  })
})
