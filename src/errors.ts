// The error classes a user can act on. index.ts is the one place that turns any of them into a failed step.

/** A bad input value. The message names the input and quotes the value. */
export class InputError extends Error {
  override name = 'InputError'
  constructor(
    readonly input: string,
    readonly value: string,
    expectation: string,
  ) {
    super(`\`${input}\` ${expectation}; got ${JSON.stringify(value)}`)
  }
}

/** A checksum that does not match, a refused release, a tool that is not what it claims to be. */
export class IntegrityError extends Error {
  override name = 'IntegrityError'
}

/** A release asset that could not be downloaded. */
export class DownloadError extends Error {
  override name = 'DownloadError'
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The registry refused or failed a request; carries the registry's own message. */
export class RegistryError extends Error {
  override name = 'RegistryError'
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The scan could not be completed or its report could not be read: verdict `error`. */
export class ScanError extends Error {
  override name = 'ScanError'
}

/** cosign failed to sign, attest or verify: verdict `error`. */
export class SigningError extends Error {
  override name = 'SigningError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
