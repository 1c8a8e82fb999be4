// Pushes small but real images to a test registry through the distribution API, as docker/buildx would: a gzip'd tar
// layer and a config blob, then the manifest; for an index, one image per platform plus buildx-style attestations.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { RegistryCredentials } from './registry.js'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'

export interface PushedManifest {
  digest: string
  /** The exact bytes sent; their sha256 is the digest. */
  manifest: Buffer
  mediaType: string
}

export interface PushedIndex extends PushedManifest {
  /** Platform name (`linux/arm64`) to the digest of its image manifest. */
  platforms: Record<string, string>
  /** Digests of the `unknown/unknown` attestation manifests, one per platform, when asked for. */
  attestations: string[]
}

export interface PushOptions {
  /** `oci` (default) or `docker` (Docker image manifest v2, schema 2). */
  format?: 'oci' | 'docker'
  platform?: string
  credentials?: RegistryCredentials
  /** Added to the layer's file, so that two images of one platform have two digests. */
  note?: string
  /** The layer's files (path inside the image -> content); by default one `etc/vouch-test` naming the image. */
  files?: Record<string, string>
}

/** Pushes a single-platform image and tags it (or pushes it by digest only when `tag` is undefined). */
export async function pushImage(
  host: string,
  repo: string,
  tag: string | undefined,
  options: PushOptions = {},
): Promise<PushedManifest> {
  const registry = new Pusher(host, repo, options.credentials)
  const platform = parsePlatform(options.platform ?? 'linux/amd64')
  const docker = options.format === 'docker'
  const layerTar = tarFiles(
    options.files ?? {
      'etc/vouch-test': `${repo} ${platform.os}/${platform.architecture}/${platform.variant ?? ''}${options.note ?? ''}\n`,
    },
  )
  const layer = await registry.blob(gzipSync(layerTar))
  const config = await registry.blob(
    Buffer.from(
      JSON.stringify({
        ...platform,
        config: { Cmd: ['/bin/true'] },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
      }),
    ),
  )
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker
          ? 'application/vnd.docker.container.image.v1+json'
          : 'application/vnd.oci.image.config.v1+json',
        ...config,
      },
      layers: [
        {
          mediaType: docker
            ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
            : 'application/vnd.oci.image.layer.v1.tar+gzip',
          ...layer,
        },
      ],
    }),
  )
  return registry.manifest(tag, manifest, mediaType)
}

/**
 * Pushes one image per platform and an OCI index over them, optionally with buildx's attestation manifests; or, with
 * `format: 'docker'`, Docker v2 images under a Docker manifest list, as docker manifest push makes.
 */
export async function pushIndex(
  host: string,
  repo: string,
  tag: string,
  platforms: string[],
  options: {
    withAttestation?: boolean
    credentials?: RegistryCredentials
    format?: 'oci' | 'docker'
    /** Each platform's layer files (see PushOptions.files). */
    files?: (platform: string) => Record<string, string>
  } = {},
): Promise<PushedIndex> {
  const docker = options.format === 'docker'
  const registry = new Pusher(host, repo, options.credentials)
  const entries: object[] = []
  const attestationEntries: object[] = []
  const pushed: Record<string, string> = {}
  const attestations: string[] = []
  for (const name of platforms) {
    const image = await pushImage(host, repo, undefined, {
      platform: name,
      format: docker ? 'docker' : 'oci',
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.files ? { files: options.files(name) } : {}),
    })
    pushed[name] = image.digest
    entries.push({
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      platform: parsePlatform(name),
    })
    if (options.withAttestation) {
      const attestation = await pushAttestation(registry, image.digest)
      attestations.push(attestation.digest)
      attestationEntries.push({
        mediaType: OCI_MANIFEST,
        digest: attestation.digest,
        size: attestation.manifest.length,
        annotations: {
          'vnd.docker.reference.digest': image.digest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
        platform: { architecture: 'unknown', os: 'unknown' },
      })
    }
  }
  // buildx lists the images first, then their attestation manifests.
  const mediaType = docker ? DOCKER_MANIFEST_LIST : OCI_INDEX
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, manifests: [...entries, ...attestationEntries] }),
  )
  const result = await registry.manifest(tag, index, mediaType)
  return { ...result, platforms: pushed, attestations }
}

/** One entry of an index pushed by pushEntries: the image behind it, and what the index says of it, verbatim. */
export interface IndexEntrySpec {
  /** The platform the image's config says it is (`linux/amd64`); also the entry's, unless `entryPlatform` is given. */
  image: string
  /** The entry's `platform` as the index lists it: any JSON, or `null` to leave the field out. */
  entryPlatform?: unknown
  annotations?: Record<string, string>
  /** The entry's `mediaType`, when it should claim other than the image's own. */
  mediaType?: string
  /** A manifest already in the repository for the entry to point at (an index, say) instead of a new image. */
  manifest?: PushedManifest
}

/**
 * Pushes one image per entry (each with its own digest, even for one platform) and an OCI index that describes
 * them exactly as given: duplicate platforms, an entry without a platform, a platform string no builder writes.
 */
export async function pushEntries(
  host: string,
  repo: string,
  tag: string,
  specs: IndexEntrySpec[],
): Promise<PushedManifest & { entries: string[] }> {
  const registry = new Pusher(host, repo)
  const entries: object[] = []
  const digests: string[] = []
  for (const [position, spec] of specs.entries()) {
    const image =
      spec.manifest ?? (await pushImage(host, repo, undefined, { platform: spec.image, note: ` entry ${position}` }))
    digests.push(image.digest)
    const platform = spec.entryPlatform === undefined ? parsePlatform(spec.image) : spec.entryPlatform
    entries.push({
      mediaType: spec.mediaType ?? image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      ...(platform === null ? {} : { platform }),
      ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }),
    })
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }))
  const result = await registry.manifest(tag, index, OCI_INDEX)
  return { ...result, entries: digests }
}

// An attestation manifest as buildx writes it: an in-toto statement layer about the image it refers to.
async function pushAttestation(registry: Pusher, subject: string): Promise<PushedManifest> {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'vouch-test', digest: { sha256: subject.slice('sha256:'.length) } }],
      predicate: { buildType: 'https://mobyproject.org/buildkit@v1' },
    }),
  )
  const layer = await registry.blob(statement)
  const config = await registry.blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  )
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [
        {
          mediaType: 'application/vnd.in-toto+json',
          ...layer,
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
        },
      ],
    }),
  )
  return registry.manifest(undefined, manifest, OCI_MANIFEST)
}

export interface ArtifactOptions {
  /** The single layer's bytes, media type and annotations (e.g. `org.opencontainers.image.title`). */
  layer: { data: Buffer; mediaType: string; annotations?: Record<string, string> }
  configMediaType: string
  credentials?: RegistryCredentials
}

/** Pushes a one-layer OCI artifact (an OCI image manifest whose config and layer carry the artifact's own types). */
export async function pushArtifact(
  host: string,
  repo: string,
  tag: string,
  options: ArtifactOptions,
): Promise<PushedManifest> {
  const registry = new Pusher(host, repo, options.credentials)
  const layer = await registry.blob(options.layer.data)
  const config = await registry.blob(Buffer.from('{}'))
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: options.configMediaType, ...config },
      layers: [
        {
          mediaType: options.layer.mediaType,
          ...layer,
          ...(options.layer.annotations ? { annotations: options.layer.annotations } : {}),
        },
      ],
    }),
  )
  return registry.manifest(tag, manifest, OCI_MANIFEST)
}

class Pusher {
  constructor(
    private readonly host: string,
    private readonly repo: string,
    private readonly credentials?: RegistryCredentials,
  ) {}

  /** Monolithic upload: POST starts it, PUT <Location> with the digest completes it. */
  async blob(data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(data)
    const start = await this.call(`/v2/${this.repo}/blobs/uploads/`, { method: 'POST' }, 202)
    const location = new URL(start.headers.get('location') ?? '', `http://${this.host}`).href
    // Location usually carries its own query (`?_state=…`); the digest joins it rather than starting a second one.
    const target = `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`
    await this.call(target, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } }, 201)
    return { digest, size: data.length }
  }

  async manifest(tag: string | undefined, manifest: Buffer, mediaType: string): Promise<PushedManifest> {
    const digest = sha256(manifest)
    const response = await this.call(
      `/v2/${this.repo}/manifests/${tag ?? digest}`,
      { method: 'PUT', body: manifest, headers: { 'Content-Type': mediaType } },
      201,
    )
    const stored = response.headers.get('docker-content-digest')
    if (stored !== digest) throw new Error(`The registry stored ${stored} for a manifest whose sha256 is ${digest}`)
    return { digest, manifest, mediaType }
  }

  private async call(pathOrUrl: string, init: RequestInit, expected: number): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.credentials !== undefined) {
      const { username, password } = this.credentials
      headers.set('Authorization', `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`)
    }
    const url = new URL(pathOrUrl, `http://${this.host}`).href
    const response = await fetch(url, { ...init, headers })
    const body = await response.text()
    if (response.status !== expected) {
      throw new Error(`${init.method} ${url} answered ${response.status}, not ${expected}: ${body}`)
    }
    return response
  }
}

function parsePlatform(name: string): { os: string; architecture: string; variant?: string } {
  const [os = '', architecture = '', variant] = name.split('/')
  return { os, architecture, ...(variant === undefined ? {} : { variant }) }
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

// Regular files in a POSIX ustar archive: per file a 512-byte header and the content padded to 512, then two
// empty blocks. Folders are implied by the paths, as in layers that tools such as Trivy read.
function tarFiles(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = []
  for (const [name, content] of Object.entries(files)) blocks.push(...tarEntry(name, Buffer.from(content)))
  return Buffer.concat([...blocks, Buffer.alloc(1024)])
}

function tarEntry(name: string, data: Buffer): Buffer[] {
  const header = Buffer.alloc(512)
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii')
  }
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0')
  field(0, 100, name)
  field(100, 8, octal(0o644, 8))
  field(108, 8, octal(0, 8))
  field(116, 8, octal(0, 8))
  field(124, 12, octal(data.length, 12))
  field(136, 12, octal(0, 12))
  field(148, 8, ' '.repeat(8))
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let checksum = 0
  for (const byte of header) checksum += byte
  field(148, 8, `${octal(checksum, 7)}\0`)
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512)
  return [header, data, padding]
}
