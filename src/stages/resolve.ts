// Pins the image to the digest the registry holds, once, and decides which platforms to scan.
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import type { Inputs } from '../inputs.js'
import { isLoopbackRegistry, pinDigest, pinnedReference, type ImageReference } from '../image/reference.js'
import { platformName, readDockerConfig, resolveDigest, scannablePlatforms } from '../image/registry.js'

export interface ImageTarget {
  /** The reference pinned to its digest. */
  reference: ImageReference
  /** registry/repo@sha256:…, the only form vouch scans and signs. */
  pinned: string
  digest: string
  /** The digest names an index (several platforms): signing is recursive. */
  isIndex: boolean
  /** What to hand Trivy's --platform, one scan each; [undefined] for a single-platform image. */
  platforms: (string | undefined)[]
  /** The platform names for the summary; empty for a single-platform image. */
  platformNames: string[]
  /**
   * Images of the index that were not scanned (other operating systems, or platforms left out of `platforms`).
   * Buildx's `unknown/unknown` attestation manifests are not images and never count here.
   */
  unscanned: string[]
  /** Plain HTTP registry on loopback: Trivy and cosign are told so. */
  insecure: boolean
}

export async function resolveImage(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<ImageTarget> {
  const dockerConfig = inputs.registryCredentials === undefined ? await readDockerConfig(env) : undefined
  const resolved = await resolveDigest(inputs.image, {
    ...(inputs.registryCredentials === undefined ? {} : { credentials: inputs.registryCredentials }),
    ...(dockerConfig === undefined ? {} : { dockerConfig }),
  })
  const reference = pinDigest(inputs.image, resolved.digest)
  const pinned = pinnedReference(reference)
  core.info(`${inputs.image.digest === undefined ? 'Resolved' : 'Checked'} ${pinned} (${resolved.mediaType})`)

  const isIndex = resolved.platforms !== undefined
  const available = scannablePlatforms(resolved.platforms ?? []).map(platformName)
  let platforms: string[]
  if (!isIndex) {
    if (inputs.platforms !== 'all') {
      core.warning(
        `platforms is ${inputs.platforms.join(',')}, but ${pinned} is a single-platform image: scanning it as it is`,
      )
    }
    platforms = []
  } else if (inputs.platforms === 'all') {
    platforms = available
  } else {
    const missing = inputs.platforms.filter((platform) => !available.includes(platform))
    if (missing.length > 0) {
      throw new InputError(
        'platforms',
        inputs.platforms.join(','),
        `names platforms the index lacks (${missing.join(', ')}); it has ${available.join(', ') || 'no linux platform'}`,
      )
    }
    platforms = inputs.platforms
  }
  if (isIndex && platforms.length === 0) {
    throw new InputError('image', pinned, 'is an index without any linux platform to scan')
  }
  if (isIndex) core.info(`Platforms to scan: ${platforms.join(', ')}`)
  const images = (resolved.platforms ?? []).filter(
    (entry) => !(entry.os === 'unknown' && entry.architecture === 'unknown'),
  )
  const unscanned = images.map(platformName).filter((platform) => !platforms.includes(platform))

  return {
    reference,
    pinned,
    digest: resolved.digest,
    isIndex,
    platforms: platforms.length === 0 ? [undefined] : platforms,
    platformNames: platforms,
    unscanned: [...new Set(unscanned)],
    insecure: isLoopbackRegistry(reference.registry),
  }
}
