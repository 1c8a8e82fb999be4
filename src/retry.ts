// The one retry loop, for downloads, cosign and Trivy: a number of tries in all and a wait that doubles before each
// further one. What is worth another try, and what the log says about it, stay with each caller.

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number
}

export interface RetryOptions<T> {
  policy: RetryPolicy
  sleep?: (ms: number) => Promise<void>
  /** Whether this result is worth another try; a number is the wait to use instead of the backoff (Retry-After). */
  retryable: (result: T) => boolean | number
  /** Told before each wait: the result that failed, the wait, and the number and count of the coming try. */
  onRetry?: (result: T, waitMs: number, attempt: number, attempts: number) => void
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `tryOnce` until a result is not retryable or the tries run out, and returns the last result. */
export async function retrying<T>(tryOnce: (attempt: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const attempts = Math.max(1, options.policy.attempts)
  const sleep = options.sleep ?? sleepFor
  for (let attempt = 1; ; attempt++) {
    const result = await tryOnce(attempt)
    const retryable = options.retryable(result)
    if (retryable === false || attempt >= attempts) return result
    const waitMs = typeof retryable === 'number' ? retryable : options.policy.baseDelayMs * 2 ** (attempt - 1)
    options.onRetry?.(result, waitMs, attempt + 1, attempts)
    await sleep(waitMs)
  }
}
