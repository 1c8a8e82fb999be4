// The error classes a user can act on. index.ts is the one place that turns any of them into a failed step.
// Each carries its own remedy: the advice in the summary and the failure message comes from what failed, never from
// guessing at the words of the message.

/** An error vouch explains: the message says what went wrong, `remedy` what the user can do about it. */
export class VouchError extends Error {
  readonly remedy?: string
  constructor(message: string, options?: ErrorOptions & { remedy?: string }) {
    super(message, options)
    if (options?.remedy !== undefined) this.remedy = options.remedy
  }
}

/** A bad input value. The message names the input and quotes the value. */
export class InputError extends VouchError {
  override name = 'InputError'
  constructor(
    readonly input: string,
    readonly value: string,
    expectation: string,
    /** What to do instead of fixing the value, when that is not the whole answer (allowed-registries). */
    remedy?: string,
  ) {
    super(`\`${input}\` ${expectation}; got ${JSON.stringify(value)}`, {
      remedy: remedy ?? `Fix \`${input}\` in the step's \`with:\` and re-run.`,
    })
  }
}

/** A checksum that does not match, a refused release, a tool that is not what it claims to be. */
export class IntegrityError extends VouchError {
  override name = 'IntegrityError'
  constructor(message: string, options?: ErrorOptions) {
    super(message, {
      ...options,
      remedy:
        'Do not work around this: vouch runs no tool it cannot verify. If `tools-mirror` is set, check that it ' +
        'serves the official release assets unchanged; a `trivy-sha256` or `cosign-sha256` must come from the ' +
        "release's own checksums.",
    })
  }
}

/** A release asset that could not be downloaded. */
export class DownloadError extends VouchError {
  override name = 'DownloadError'
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, {
      ...options,
      remedy:
        `The download of ${url} failed${status === undefined ? '' : ` with HTTP ${status}`}. If this runner cannot ` +
        'reach the release downloads, point `tools-mirror` at a mirror that serves the same release assets (or ' +
        'check the one it names); otherwise re-run the job.',
    })
  }
}

/** The registry refused or failed a request; carries the registry's own message. */
export class RegistryError extends VouchError {
  override name = 'RegistryError'
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, { ...options, remedy: registryRemedy(status) })
  }
}

function registryRemedy(status: number | undefined): string {
  const login = '`registry-username`/`registry-password` (or the runner’s docker login for this registry)'
  if (status === undefined) {
    return (
      'Check that this runner can reach the registry (DNS, firewall, proxy), and re-run if it was a passing ' +
      'outage. (`timeout` limits the Trivy scan only.)'
    )
  }
  if (status === 401) return `Check ${login}: they must be valid for this registry and grant pull access.`
  if (status === 403) return `Check ${login}: the account needs pull access to the repository.`
  if (status === 404) return 'Check `image` (and `digest`): push the image before this step, and name what was pushed.'
  if (status === 429) return `Re-run after the time the registry asks for, or log in with ${login} for a higher limit.`
  if (status >= 500) return 'The registry itself failed; re-run the job later.'
  return 'The registry’s own message above says what it refused.'
}

/** The scan could not be completed or its report could not be read: verdict `error`. */
export class ScanError extends VouchError {
  override name = 'ScanError'
  constructor(message: string, options?: ErrorOptions & { remedy?: string }) {
    super(message, {
      ...options,
      remedy:
        options?.remedy ??
        "Trivy's output is in the log group above; re-run with debug logging enabled if it does not say why.",
    })
  }
}

/** cosign failed to sign, attest or verify: verdict `error`. */
export class SigningError extends VouchError {
  override name = 'SigningError'
  constructor(message: string, options?: ErrorOptions & { remedy?: string }) {
    super(message, {
      ...options,
      remedy:
        options?.remedy ??
        "Check `cosign-key` (cosign's encrypted private key, or a KMS URI) and `cosign-password`; keyless signing " +
          'needs `permissions: id-token: write`; pushing the signature needs a registry login with push access.',
    })
  }
}

/** No release of the tool exists for this runner's os/arch; the message names both. */
export class UnsupportedPlatformError extends VouchError {
  override name = 'UnsupportedPlatformError'
}

/**
 * What lies under an error, for the log: the chain of causes (a socket error under a failed fetch, the exec error
 * under a tool that would not start). Undefined when the error has none.
 */
export function causeText(error: unknown): string | undefined {
  const causes: string[] = []
  for (let cause = error instanceof Error ? error.cause : undefined; cause !== undefined && causes.length < 5;) {
    causes.push(errorMessage(cause))
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return causes.length === 0 ? undefined : causes.join(' <- ')
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
