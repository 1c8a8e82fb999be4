// Docker image references: parse what a user wrote into the fully qualified form docker would pull, format it back,
// and pin it to a digest. The grammar is distribution/reference's (regexp.go); normalization is its ParseNormalizedNamed.

import { createHash } from 'node:crypto'
import { InputError } from '../errors.js'

/** A parsed reference. registry is normalized (docker.io for Docker Hub); repository includes library/ for official images. */
export interface ImageReference {
  /** Host with optional port, as docker names it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string
  /** Path inside the registry, lower case: `library/nginx`, `org/team/app`. */
  repository: string
  /** The tag as written; kept next to a digest, which is what gets scanned and signed. */
  tag?: string
  digest?: Digest
}

/** `sha256:` and 64 lower-case hex digits, the only digest vouch scans and signs; made only by isDigest. */
export type Digest = string & { readonly __digest: unique symbol }

/** `repository@sha256:…` split at its digest: the only form Trivy and cosign are given an image in. */
export interface Pinned {
  repository: string
  digest: Digest
}

const DOCKER_HUB = 'docker.io'
// Docker Hub's legacy "index" name, which docker folds into docker.io.
const DOCKER_HUB_LEGACY = 'index.docker.io'
const OFFICIAL_IMAGES = 'library/'
// Clients cap `registry/repository` at 255 characters (OCI distribution spec, "Pulling manifests").
const NAME_MAX = 255

// distribution/reference regexp.go, transcribed. Docker's `\w` is ASCII-only, spelled out here.
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const remoteName = `${pathComponent}(?:/${pathComponent})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`
const tag = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
// Any digest docker accepts, so that a sha512 or upper-case digest gets the precise message below, not a grammar error.
const anyDigest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'

const REGISTRY = new RegExp(`^${host}(?::[0-9]+)?$`)
const PATH_TAG_DIGEST = new RegExp(`^(${remoteName})(?::(${tag}))?(?:@(${anyDigest}))?$`)
const DIGEST = /^sha256:[0-9a-f]{64}$/
// A pinned reference as text; a repository that starts like an option (`-…`) could be read as a flag, so it is not one.
const PINNED = /^([A-Za-z0-9[][^@\s]*)@([^@]*)$/
// A bare image ID; docker refuses it as a name because it cannot be told apart from an ID.
const IMAGE_ID = /^[a-f0-9]{64}$/
const LOOPBACK = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::[0-9]+)?$/

const GRAMMAR =
  'must be an image reference, [registry[:port]/]repository[:tag][@sha256:digest], such as ghcr.io/org/app:1.0'
const DIGEST_EXPECTED = 'must be a manifest digest, sha256: and 64 lower-case hex digits'

/**
 * Parses an image reference as docker does: `nginx` is `docker.io/library/nginx`, `index.docker.io` is `docker.io`,
 * and the first path component is a registry only when it contains `.` or `:`, is `localhost`, or has upper case.
 * Anything that could pass as a command-line option or split an argument is refused before the grammar is tried.
 */
export function parseReference(text: string, input = 'image'): ImageReference {
  const refuse = (expectation: string): InputError => new InputError(input, text, expectation)
  if (text === '') throw refuse(GRAMMAR)
  if (text.startsWith('-')) throw refuse('must not start with `-`, which a command would read as an option')
  if (hasSpaceOrControl(text)) throw refuse('must not contain spaces, line breaks or control characters')
  if (IMAGE_ID.test(text)) throw refuse('must name a repository; a bare 64-character hex image ID is not one')

  const { registry, remainder } = splitRegistry(text)
  if (!REGISTRY.test(registry)) throw refuse(`must start with a valid registry host[:port]; \`${registry}\` is not one`)
  const name = remainder.split(/[:@]/, 1)[0] ?? ''
  if (name !== name.toLowerCase()) throw refuse('must have a lower-case repository name')

  const match = PATH_TAG_DIGEST.exec(remainder)
  if (match === null) throw refuse(GRAMMAR)
  const [, repository = '', tagText, digest] = match
  if (digest !== undefined && !isDigest(digest)) throw refuse(`must pin a sha256 digest: ${DIGEST_EXPECTED}`)
  if (registry.length + 1 + repository.length > NAME_MAX) {
    throw refuse(`must have a name (registry/repository) of at most ${NAME_MAX} characters`)
  }
  return {
    registry,
    repository,
    ...(tagText === undefined ? {} : { tag: tagText }),
    ...(digest === undefined ? {} : { digest }),
  }
}

/** The fully qualified reference: `registry/repository[:tag][@digest]`, e.g. `docker.io/library/nginx:1.27`. */
export function formatReference(ref: ImageReference): string {
  const tagPart = ref.tag === undefined ? '' : `:${ref.tag}`
  const digestPart = ref.digest === undefined ? '' : `@${ref.digest}`
  return `${ref.registry}/${ref.repository}${tagPart}${digestPart}`
}

/** `registry/repository@digest`: the one form that is scanned and signed, so a moved tag cannot swap the artifact. */
export function pinnedReference(ref: ImageReference): string {
  if (ref.digest === undefined) {
    throw new Error(`${formatReference(ref)} is not pinned to a digest yet; resolve the tag first`)
  }
  return `${ref.registry}/${ref.repository}@${ref.digest}`
}

/** The reference pinned to `digest`. A reference that already names another digest is an input error, never overridden. */
export function pinDigest(ref: ImageReference, digest: string, input = 'digest'): ImageReference & { digest: Digest } {
  if (!isDigest(digest)) throw new InputError(input, digest, DIGEST_EXPECTED)
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw new InputError(
      input,
      digest,
      `must match the digest in the image reference (${ref.digest}); the two disagree`,
    )
  }
  return { ...ref, digest }
}

/** `sha256:` and 64 lower-case hex digits, the only digest vouch scans and signs. */
export function isDigest(text: string): text is Digest {
  return DIGEST.test(text)
}

/** The digest that names these manifest bytes: their sha256, as every registry computes it. */
export function manifestDigest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest
}

/** `repo@sha256:…` split in two, or undefined for text that is not a reference pinned to a digest. */
export function parsePinned(text: string): Pinned | undefined {
  const match = PINNED.exec(text)
  if (match === null || !isDigest(match[2]!)) return undefined
  return { repository: match[1]!, digest: match[2] }
}

/** localhost, 127.0.0.1 or [::1], any port: the registries reached over plain HTTP, as docker does. */
export function isLoopbackRegistry(registry: string): boolean {
  return LOOPBACK.test(registry)
}

// distribution/reference normalize.go splitDockerDomain.
function splitRegistry(text: string): { registry: string; remainder: string } {
  const slash = text.indexOf('/')
  if (slash < 0) return { registry: DOCKER_HUB, remainder: OFFICIAL_IMAGES + text }
  const first = text.slice(0, slash)
  const isHost = first === 'localhost' || /[.:]/.test(first) || first !== first.toLowerCase()
  const registry = !isHost || first === DOCKER_HUB_LEGACY ? DOCKER_HUB : first
  let remainder = isHost ? text.slice(slash + 1) : text
  // Only Docker Hub has official images: docker.io/nginx is docker.io/library/nginx, registry.example/nginx is not.
  if (registry === DOCKER_HUB && !remainder.includes('/')) remainder = OFFICIAL_IMAGES + remainder
  return { registry, remainder }
}

function hasSpaceOrControl(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/u.test(char)) return true
  }
  return false
}
