// OCI distribution client: resolves a tag to the manifest digest the registry holds, checks a pinned digest, and lists
// an index's platforms. Only loopback registries are reached over plain HTTP, as docker does.
import { httpFetch } from '../http.js'
import * as core from '@actions/core'
import { readCapped, readErrorText } from '../capped-body.js'
import { RegistryError } from '../errors.js'
import { logSafe } from '../log-safe.js'
import type { RegistryCredentials } from './credentials.js'
import { chooseIdentity, describeIdentity, registryMessage, sendAuthorized } from './auth.js'
import type { RegistrySession } from './session.js'
import type { DockerConfig } from './docker-config.js'
import {
  formatReference,
  isDigest,
  isLoopbackRegistry,
  manifestDigest,
  type Digest,
  type ImageReference,
} from './reference.js'
import { isRecord } from '../json.js'

export { readDockerConfig, type DockerConfig } from './docker-config.js'
export { forgetTokens } from './auth.js'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(', ')
// distribution refuses manifests over 4 MiB; anything larger is not a manifest.
const MANIFEST_LIMIT = 4 * 1024 * 1024

/**
 * One entry of an index: an image, or (annotated `vnd.docker.reference.type: attestation-manifest`) the attestation
 * manifest buildx adds for one. The platform is what the entry declares, checked against a strict grammar; an entry
 * that declares none is still an image.
 */
export interface Platform {
  os?: string
  architecture?: string
  variant?: string
  digest: Digest
  /** Annotated as buildx's attestation manifest: not an image, never scanned, signed only as part of the index. */
  attestation?: true
  /** The image an attestation manifest is about (its `vnd.docker.reference.digest` annotation). */
  attests?: Digest
}

export interface ResolvedImage {
  /** sha256:…, the digest of the exact manifest bytes the registry holds. */
  digest: Digest
  mediaType: string
  /** Present when the manifest is an index or manifest list: every entry, attestation manifests included. */
  platforms?: Platform[]
}

export interface RegistryOptions {
  /** From registry-username/registry-password; wins over the docker config. */
  credentials?: RegistryCredentials
  /** Parsed `auths` of the runner's docker config (readDockerConfig). */
  dockerConfig?: DockerConfig
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch
  userAgent?: string
}

/**
 * The manifest digest of `ref`. A tag is resolved with HEAD (GET by tag when HEAD gives no digest or is refused),
 * then the manifest is read by that digest: its bytes must hash to it, and they alone say whether it is an image or
 * an index. A pinned digest is read the same way. A reference with neither is `latest`, as docker pulls it.
 */
export async function resolveDigest(ref: ImageReference, options: RegistryOptions = {}): Promise<ResolvedImage> {
  const session: RegistrySession = {
    image: formatReference(ref),
    registry: ref.registry,
    repository: ref.repository,
    identity: chooseIdentity(ref.registry, options.credentials, options.dockerConfig),
    fetch: options.fetch ?? httpFetch,
    userAgent: options.userAgent ?? 'vouch',
  }
  if (ref.digest !== undefined) return getManifest(session, ref.digest)

  const tag = ref.tag ?? 'latest'
  const head = await sendAuthorized(session, manifestUrl(ref, tag), { method: 'HEAD', headers: { Accept: ACCEPT } })
  await head.body?.cancel()
  const digest = head.headers.get('docker-content-digest') ?? ''
  // HEAD gives the digest only: what that digest names (manifest or index) is read from its own bytes, by digest,
  // since a HEAD that says manifest while the bytes are an index would have the index signed without --recursive.
  if (head.ok && isDigest(digest)) return getManifest(session, digest)
  // A rate-limited registry would refuse the GET too, and count it.
  if (head.status === 429) throw failure(session, head, '', tag)
  if (head.ok) core.debug(`HEAD ${session.image} gave no usable digest; reading the manifest with GET`)
  // 405 (HEAD not allowed), or an error whose body, which only GET returns, carries the registry's own message.
  return getManifest(session, tag)
}

/** `linux/amd64`, `linux/arm/v7`: the form of the `platforms` input; undefined for an entry that declares none. */
export function platformName(platform: Pick<Platform, 'os' | 'architecture' | 'variant'>): string | undefined {
  if (platform.os === undefined || platform.architecture === undefined) return undefined
  const variant = platform.variant === undefined || platform.variant === '' ? '' : `/${platform.variant}`
  return `${platform.os}/${platform.architecture}${variant}`
}

/** Where a registry's API lives: plain http for loopback registries only, Docker Hub at registry-1.docker.io. */
export function registryBaseUrl(registry: string): string {
  if (registry === '' || /[/\s@]/.test(registry)) {
    throw new RegistryError(`${JSON.stringify(registry)} is not a registry host[:port]`)
  }
  if (registry === 'docker.io') return 'https://registry-1.docker.io'
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`
}

/** The manifest endpoint for a tag or digest of the reference's repository. */
export function manifestUrl(ref: Pick<ImageReference, 'registry' | 'repository'>, reference: string): string {
  return `${registryBaseUrl(ref.registry)}/v2/${ref.repository}/manifests/${reference}`
}

async function getManifest(session: RegistrySession, reference: string): Promise<ResolvedImage> {
  const ref = { registry: session.registry, repository: session.repository }
  const response = await sendAuthorized(session, manifestUrl(ref, reference), {
    method: 'GET',
    headers: { Accept: ACCEPT },
  })
  if (!response.ok) throw failure(session, response, await readErrorText(response), reference)
  const body = await readCapped(response, MANIFEST_LIMIT)
  if (body === undefined) {
    throw new RegistryError(
      `${session.registry} sent more than ${MANIFEST_LIMIT} bytes for the manifest of ${session.image}; ` +
        'no registry serves a manifest that large, so it was not read',
    )
  }

  const digest = manifestDigest(body)
  const announced = response.headers.get('docker-content-digest')
  for (const expected of [
    isDigest(reference) ? reference : undefined,
    announced?.startsWith('sha256:') ? announced : undefined,
  ]) {
    if (expected !== undefined && expected !== digest) {
      throw new RegistryError(
        `${session.registry} returned a manifest for ${session.image} whose sha256 is ${digest}, not ${expected}`,
        response.status,
      )
    }
  }

  const manifest = parseManifest(session, body)
  const mediaType = manifestType(session, manifest)
  if (isIndexType(mediaType)) {
    return { digest, mediaType, platforms: indexPlatforms(manifest.manifests, digest) }
  }
  return { digest, mediaType }
}

/**
 * What the bytes are, from the bytes alone: their `mediaType`, else their shape (`manifests` for an index, `layers`
 * for an image manifest); never the Content-Type header or a HEAD, which a proxy or a lying registry can set apart
 * from the body. A declared type the shape contradicts is refused rather than guessed.
 */
function manifestType(session: RegistrySession, manifest: Record<string, unknown>): string {
  const declared = typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined
  const shape = Array.isArray(manifest.manifests)
    ? OCI_INDEX
    : Array.isArray(manifest.layers)
      ? OCI_MANIFEST
      : undefined
  const mediaType = declared ?? shape
  const known = mediaType !== undefined && (isIndexType(mediaType) || isManifestType(mediaType))
  if (!known) {
    throw new RegistryError(
      `${session.registry} returned a ${mediaType === undefined ? 'manifest without a media type' : JSON.stringify(mediaType).slice(0, 200)} for ${session.image}; ` +
        'vouch reads OCI and Docker v2 manifests and indexes',
    )
  }
  if (shape !== undefined && isIndexType(shape) !== isIndexType(mediaType)) {
    throw new RegistryError(
      `${session.registry} returned a manifest for ${session.image} whose mediaType ${mediaType} contradicts its ` +
        `content (${isIndexType(shape) ? 'a list of manifests' : 'a list of layers'}); refusing to guess which it is`,
    )
  }
  return mediaType
}

function parseManifest(session: RegistrySession, body: Uint8Array): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'))
    if (isRecord(parsed)) return parsed
  } catch {
    // Reported below with the same message as any other non-manifest.
  }
  throw new RegistryError(`${session.registry} returned something that is not a JSON manifest for ${session.image}`)
}

// OCI image-index platform fields are GOOS/GOARCH values and a variant such as v7 (image-spec image-index.md);
// anything else (a newline, `::`, a `-` that would make linux/arm-v7 collide with linux/arm/v7) is refused here,
// before it can name a file, reach the log or be matched against the `platforms` input.
const PLATFORM_WORD = /^[a-z0-9]+$/
const ATTESTATION = 'attestation-manifest'

/** Every entry of an index, in order, each checked: a digest vouch can scan, and a platform in the strict grammar. */
function indexPlatforms(entries: unknown, indexDigest: string): Platform[] {
  if (!Array.isArray(entries)) return []
  const refuse = (what: string): never => {
    throw new RegistryError(`The index ${indexDigest} lists ${what}; vouch scans and signs nothing in it`)
  }
  return (entries as unknown[]).map((entry, position) => {
    if (typeof entry !== 'object' || entry === null) return refuse(`entry ${position} that is not an object`)
    const fields = entry as Record<string, unknown>
    const digest = fields.digest
    if (typeof digest !== 'string' || !isDigest(digest)) {
      return refuse(`entry ${position} whose digest ${quote(digest)} is not sha256:<64 hex digits>`)
    }
    // Trivy would scan one platform of a nested index, while cosign --recursive signs every image under it.
    if (typeof fields.mediaType === 'string' && isIndexType(fields.mediaType)) {
      return refuse(`${digest}, an index inside the index, whose images vouch cannot scan each by digest`)
    }
    const annotations = isRecord(fields.annotations) ? fields.annotations : {}
    const attestation = annotations['vnd.docker.reference.type'] === ATTESTATION
    const subject = annotations['vnd.docker.reference.digest']
    const marks = {
      ...(attestation ? { attestation } : {}),
      ...(attestation && typeof subject === 'string' && isDigest(subject) ? { attests: subject } : {}),
    }
    if (fields.platform === undefined || fields.platform === null) return { digest, ...marks }
    if (!isRecord(fields.platform)) return refuse(`${digest} with a platform that is not an object`)
    const platform = fields.platform
    const word = (name: 'os' | 'architecture' | 'variant', required: boolean): string | undefined => {
      const value = platform[name]
      if (value === undefined && !required) return undefined
      if (typeof value !== 'string' || !PLATFORM_WORD.test(value)) {
        return refuse(
          `${digest} whose platform ${name} is ${quote(value)}, not lowercase letters and digits (os/arch[/variant])`,
        )
      }
      return value
    }
    const os = word('os', true)
    const architecture = word('architecture', true)
    const variant = platform.variant === '' ? undefined : word('variant', false)
    return {
      ...(os === undefined ? {} : { os }),
      ...(architecture === undefined ? {} : { architecture }),
      ...(variant === undefined ? {} : { variant }),
      digest,
      ...marks,
    }
  })
}

/** A registry's value as JSON, cut short: one log-safe line whatever it holds. */
function quote(value: unknown): string {
  const text = logSafe(JSON.stringify(value) ?? String(value))
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

function failure(session: RegistrySession, response: Response, body: string, reference: string): RegistryError {
  const { status } = response
  const own = registryMessage(body)
  const answered = `${session.registry} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}${own ? ` (${own})` : ''}`
  const retryAfter = response.headers.get('retry-after')
  const identity = describeIdentity(session.identity, session.registry)
  const hint =
    status === 401
      ? `Authentication failed; ${identity}.`
      : status === 403
        ? `Access to ${session.repository} is denied; ${identity}.`
        : status === 404
          ? `The tag or digest ${reference} does not exist in ${session.registry}/${session.repository}.`
          : status === 429
            ? `The registry is rate-limiting requests${retryAfter ? `; it asks to retry after ${describeRetryAfter(retryAfter)}` : ''}.`
            : status >= 500
              ? 'The registry failed to answer; try again later.'
              : ''
  return new RegistryError(`Could not resolve ${session.image}: ${answered}. ${hint}`.trim(), status)
}

function describeRetryAfter(value: string): string {
  return /^\d+$/.test(value.trim()) ? `${value.trim()} seconds` : value.trim()
}

function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST
}

function isManifestType(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST
}
