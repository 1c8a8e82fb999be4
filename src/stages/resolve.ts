// Pins the image to the digest the registry holds, once, and decides which images of an index to scan.
import * as core from '@actions/core'
import { InputError, RegistryError } from '../errors.js'
import type { Inputs } from '../inputs.js'
import { logSafe } from '../log-safe.js'
import { isLoopbackRegistry, pinDigest, pinnedReference, type Digest, type ImageReference } from '../image/reference.js'
import { platformName, readDockerConfig, resolveDigest, type Platform } from '../image/registry.js'
import type { RunPlan } from './plan.js'

/** One image that Trivy scans as itself: the image, or one child of the index by its own digest. */
export interface ImageToScan {
  /** registry/repo@sha256:… of this very image, never of the index around it. */
  pinned: string
  digest: Digest
  /** `os/arch[/variant]` as the index declares it; undefined for a single image and for an entry without one. */
  platform?: string
  /**
   * How findings and the summary name it: the platform, with the digest added when the platform alone does not say
   * which image it is (two entries for one platform, or none declared). Undefined for a single-platform image.
   */
  label?: string
}

export interface ImageTarget {
  /** The reference pinned to its digest. */
  reference: ImageReference
  /** registry/repo@sha256:…, the only form vouch scans and signs. */
  pinned: string
  digest: Digest
  /** The digest names an index (several platforms): signing is recursive. */
  isIndex: boolean
  /** What this run scans, one Trivy run each. */
  images: ImageToScan[]
  /**
   * Every image a signature on `pinned` vouches for: the index's entries but buildx's attestation manifests, or the
   * image itself. Signing needs each of them scanned.
   */
  contents: ImageToScan[]
  /** Plain HTTP registry on loopback: Trivy and cosign are told so. */
  insecure: boolean
}

/** `platforms` is the plan's selection: which images of an index to scan. */
export async function resolveImage(
  inputs: Inputs,
  platforms: RunPlan['platforms'],
  env: NodeJS.ProcessEnv,
): Promise<ImageTarget> {
  const dockerConfig = inputs.registryCredentials === undefined ? await readDockerConfig(env) : undefined
  const options = {
    ...(inputs.registryCredentials === undefined ? {} : { credentials: inputs.registryCredentials }),
    ...(dockerConfig === undefined ? {} : { dockerConfig }),
  }
  const resolved = await resolveDigest(inputs.image, options)
  const reference = pinDigest(inputs.image, resolved.digest)
  const pinned = pinnedReference(reference)
  core.info(`${inputs.image.digest === undefined ? 'Resolved' : 'Checked'} ${pinned} (${logSafe(resolved.mediaType)})`)
  const target = { reference, pinned, digest: resolved.digest, insecure: isLoopbackRegistry(reference.registry) }

  if (resolved.platforms === undefined) {
    if (platforms !== 'all') {
      core.warning(
        `platforms is ${platforms.join(',')}, but ${pinned} is a single-platform image: scanning it as it is`,
      )
    }
    const image = { pinned, digest: resolved.digest }
    return { ...target, isIndex: false, images: [image], contents: [image] }
  }

  const contents = indexImages(reference, resolved.platforms)
  const images = chooseImages(platforms, contents, pinned)
  // Each image is read by its own digest: one whose manifest is itself an index (whatever media type the entry
  // claims) would have Trivy scan one platform of it, while cosign --recursive signs every image under it.
  // The reads go out together: an index of many platforms costs one round trip, not one per image.
  const children = await Promise.all(
    images.map((image) =>
      resolveDigest({ registry: reference.registry, repository: reference.repository, digest: image.digest }, options),
    ),
  )
  const nested = images.find((_, position) => children[position]?.platforms !== undefined)
  if (nested !== undefined) {
    throw new RegistryError(
      `The index ${resolved.digest} lists ${nested.digest} as an image, but it is an index itself; vouch scans ` +
        'and signs nothing in it',
    )
  }
  core.info(`Images to scan: ${images.map((image) => logSafe(`${image.label} ${image.digest}`)).join(', ')}`)
  return { ...target, isIndex: true, images, contents }
}

/**
 * The images of an index, each pinned by its own digest: every entry but buildx's attestation manifests. An entry
 * counts as one only as buildx writes it: annotated so, about another image of this index, and of platform
 * unknown/unknown (or none); an annotation alone would let any image go unscanned, and signed with the rest.
 */
function indexImages(reference: ImageReference, entries: readonly Platform[]): ImageToScan[] {
  const annotated = entries.filter((entry) => entry.attestation === true)
  const others = new Set(entries.filter((entry) => !annotated.includes(entry)).map((entry) => entry.digest))
  const isAttestation = (entry: Platform): boolean =>
    entry.attestation === true &&
    entry.attests !== undefined &&
    others.has(entry.attests) &&
    [undefined, 'unknown/unknown'].includes(platformName(entry))
  const images = entries.filter((entry) => !isAttestation(entry))
  const names = images.map((entry) => platformName(entry))
  return images.map((entry, position) => {
    const platform = names[position]
    const ambiguous = platform === undefined || names.filter((name) => name === platform).length > 1
    const short = entry.digest.slice(0, 'sha256:'.length + 12)
    return {
      pinned: pinnedReference({ registry: reference.registry, repository: reference.repository, digest: entry.digest }),
      digest: entry.digest,
      ...(platform === undefined ? {} : { platform }),
      label: ambiguous ? `${platform ?? 'no platform'} (${short})` : platform,
    }
  })
}

/**
 * `platforms: all` scans every linux image and every image that declares no platform (which can only be found out
 * by scanning it); a list scans each image of those platforms, duplicates included. What is left out is not
 * scanned, and an index with such an image is not signed (stages/sign.ts).
 */
function chooseImages(wanted: RunPlan['platforms'], contents: ImageToScan[], pinned: string): ImageToScan[] {
  const linux = contents.filter((image) => image.platform?.startsWith('linux/') === true)
  let chosen: ImageToScan[]
  if (wanted === 'all') {
    chosen = contents.filter((image) => image.platform === undefined || image.platform.startsWith('linux/'))
  } else {
    const available = [...new Set(linux.map((image) => image.platform as string))]
    const missing = wanted.filter((platform) => !available.includes(platform))
    if (missing.length > 0) {
      throw new InputError(
        'platforms',
        wanted.join(','),
        `names platforms the index lacks (${missing.join(', ')}); it has ${available.join(', ') || 'no linux platform'}`,
      )
    }
    chosen = linux.filter((image) => wanted.includes(image.platform as string))
  }
  if (chosen.length === 0) throw new InputError('image', pinned, 'is an index without any linux platform to scan')
  return chosen
}
