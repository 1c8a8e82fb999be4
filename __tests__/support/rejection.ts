import { expect } from 'vitest'

/**
 * What `promise` rejects with, once the test has expected it to be a `type`: a promise that resolves, or rejects with
 * anything else, fails the test here.
 */
export async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(type)
  return error as T
}
