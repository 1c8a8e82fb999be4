// Runs one cosign subcommand: argument array, explicit environment, output captured, and a retry with back-off when
// Rekor, Fulcio or the registry answered 429 or 5xx. Anything else is reported at once with cosign's own words.
import * as core from '@actions/core'
import { SigningError } from '../errors.js'
import type { Exec, ExecResult } from '../exec.js'
import { logSafe } from '../log-safe.js'
import { retrying, type RetryPolicy } from '../retry.js'
import { shellQuote } from './args.js'
import { cosignFailure, isTransientFailure } from './output.js'

export interface CosignRunnerOptions {
  exec: Exec
  cosignPath: string
  /** COSIGN_PASSWORD, COSIGN_PRIVATE_KEY, DOCKER_CONFIG…: never logged. */
  env: Record<string, string>
  sleep?: (ms: number) => Promise<void>
  retry?: RetryPolicy
}

export interface CosignRunner {
  /** Runs to exit code 0 or throws a SigningError naming the step and cosign's error. */
  run(step: string, args: string[], extraEnv?: Record<string, string>): Promise<ExecResult>
  /** Runs and returns whatever cosign answered: for checks where a refusal is an answer (verify's 10, 11, 12). */
  probe(step: string, args: string[], extraEnv?: Record<string, string>): Promise<ExecResult>
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2_000 }
// verify's definite answers: no signatures, no such tag, no matching signature, no certificate.
const VERIFY_ANSWERS = new Set([10, 11, 12, 13])

export function cosignRunner(options: CosignRunnerOptions): CosignRunner {
  const attempt = async (step: string, args: string[], extraEnv: Record<string, string>): Promise<ExecResult> => {
    core.info(logSafe(`cosign ${args.map(shellQuote).join(' ')}`))
    return retrying(
      () => options.exec(options.cosignPath, args, { env: { ...options.env, ...extraEnv }, echo: false }),
      {
        policy: options.retry ?? DEFAULT_RETRY,
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        retryable: (result) =>
          result.exitCode !== 0 && !VERIFY_ANSWERS.has(result.exitCode) && isTransientFailure(result.stderr),
        onRetry: (result, delay, next, attempts) =>
          core.warning(
            `cosign ${step} failed with a transient error (${cosignFailure(result.stderr)}); ` +
              `retrying in ${Math.round(delay / 1000)}s (attempt ${next} of ${attempts})`,
          ),
      },
    )
  }

  return {
    async run(step, args, extraEnv = {}) {
      const result = await attempt(step, args, extraEnv)
      if (result.exitCode !== 0) {
        throw new SigningError(`cosign ${step} failed (exit code ${result.exitCode}): ${cosignFailure(result.stderr)}`)
      }
      return result
    },
    probe: (step, args, extraEnv = {}) => attempt(step, args, extraEnv),
  }
}
