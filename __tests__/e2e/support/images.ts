// Alpine-like images the real Trivy recognises, with packages chosen against the test DB (advisories.json), pushed
// to a loopback registry as docker/buildx would. Each image names the findings Trivy must report for it, so a test
// can hold the action's counts against what the DB holds.
import { pushImage, pushIndex, type PushedIndex, type PushedManifest } from '../../support/push.js'
import type { RegistryCredentials } from '../../support/registry.js'
import { advisory, ADVISORIES, type Severity } from './trivy-db.js'

export interface ApkPackage {
  name: string
  version: string
  /** The `o:` origin, the name Trivy looks advisories up by. */
  origin: string
}

export interface ImageContent {
  packages: ApkPackage[]
  /** The advisory IDs Trivy must find, one per affected installed package. */
  findings: string[]
}

/** `etc/alpine-release` of every test image: Trivy's alpine analyzer reads it, the detector uses major.minor. */
export const ALPINE_RELEASE = '3.19.1'

/** A package Trivy reports with a CRITICAL (CVE-2024-0727) and a MEDIUM, a HIGH one, and a clean busybox. */
export const VULNERABLE: ImageContent = {
  packages: [
    { name: 'libcrypto3', version: '3.1.4-r3', origin: 'openssl' },
    { name: 'zlib', version: '1.3-r2', origin: 'zlib' },
    { name: 'busybox', version: '1.36.1-r16', origin: 'busybox' },
  ],
  findings: ['CVE-2024-0727', 'CVE-2023-6237', 'CVE-2023-45853'],
}

/** Fixed openssl and zlib; one LOW in busybox, which the default budgets allow. */
export const PASSING: ImageContent = {
  packages: [
    { name: 'libcrypto3', version: '3.1.4-r5', origin: 'openssl' },
    { name: 'zlib', version: '1.3.1-r0', origin: 'zlib' },
    { name: 'busybox', version: '1.36.1-r15', origin: 'busybox' },
  ],
  findings: ['CVE-2023-42363'],
}

/** Nothing the DB knows of. */
export const CLEAN: ImageContent = {
  packages: [{ name: 'busybox', version: '1.36.1-r16', origin: 'busybox' }],
  findings: [],
}

export type Counts = Record<Lowercase<Severity>, number>

/** The counts the action must output for an image: the severities the DB holds for its findings. */
export function expectedCounts(content: ImageContent): Counts {
  const counts: Counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
  for (const id of content.findings) counts[advisory(id).severity.toLowerCase() as keyof Counts] += 1
  return counts
}

/** apk's installed database: one stanza per package (P name, V version, A arch, o origin), blank line between. */
export function apkInstalled(packages: ApkPackage[], arch = 'x86_64'): string {
  return packages.map((pkg) => `P:${pkg.name}\nV:${pkg.version}\nA:${arch}\nL:MIT\no:${pkg.origin}\n`).join('\n') + '\n'
}

export function alpineFiles(content: ImageContent, arch = 'x86_64'): Record<string, string> {
  if (ADVISORIES.platform !== `alpine ${ALPINE_RELEASE.split('.').slice(0, 2).join('.')}`) {
    throw new Error(`the test DB is for ${ADVISORIES.platform}, the images are alpine ${ALPINE_RELEASE}`)
  }
  return { 'etc/alpine-release': `${ALPINE_RELEASE}\n`, 'lib/apk/db/installed': apkInstalled(content.packages, arch) }
}

export async function pushAlpine(
  host: string,
  repo: string,
  tag: string,
  content: ImageContent,
  credentials?: RegistryCredentials,
): Promise<PushedManifest> {
  return pushImage(host, repo, tag, { files: alpineFiles(content), ...(credentials ? { credentials } : {}) })
}

/** What each platform of the test index holds: different findings, so each child's scan is told apart. */
export const INDEX_PLATFORMS: Record<string, ImageContent> = { 'linux/amd64': PASSING, 'linux/arm64': CLEAN }

/** A two-platform index with an attestation manifest per platform, as `docker buildx build --push` leaves it. */
export async function pushAlpineIndex(host: string, repo: string, tag: string): Promise<PushedIndex> {
  return pushIndex(host, repo, tag, Object.keys(INDEX_PLATFORMS), {
    withAttestation: true,
    files: (platform) => alpineFiles(INDEX_PLATFORMS[platform]!, platform === 'linux/arm64' ? 'aarch64' : 'x86_64'),
  })
}
