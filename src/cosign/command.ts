// Runs one cosign subcommand: argument array, explicit environment, output captured, and a retry with back-off when
// Rekor, Fulcio or the registry answered 429 or 5xx. Anything else is reported at once with cosign's own words.
// Calls that run side by side log into held logs, printed afterwards in a fixed order, so a group never interleaves.
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
  /** Where the command lines and retry warnings go; the step's log unless given. */
  log?: CosignLog
}

/** The lines cosign's calls leave in the step's log. */
export interface CosignLog {
  info(line: string): void
  warning(line: string): void
  debug(line: string): void
}

export const stepLog: CosignLog = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  debug: (line) => core.debug(line),
}

/** A log that keeps its lines until `printTo`, then passes every later line straight through. */
export interface HeldLog extends CosignLog {
  printTo(log: CosignLog): void
}

export function heldLog(): HeldLog {
  const lines: [keyof CosignLog, string][] = []
  let target: CosignLog | undefined
  const write = (level: keyof CosignLog) => (line: string) => {
    if (target === undefined) lines.push([level, line])
    else target[level](line)
  }
  return {
    info: write('info'),
    warning: write('warning'),
    debug: write('debug'),
    printTo(log) {
      target = log
      for (const [level, line] of lines.splice(0)) log[level](line)
    },
  }
}

export interface CosignRunner {
  log: CosignLog
  /** The same runner, logging to `log`. */
  loggingTo(log: CosignLog): CosignRunner
  /** Runs to exit code 0 or throws a SigningError naming the step and cosign's error. */
  run(step: string, args: string[], extraEnv?: Record<string, string>): Promise<ExecResult>
  /** Runs and returns whatever cosign answered: for checks where a refusal is an answer (verify's 10, 11, 12). */
  probe(step: string, args: string[], extraEnv?: Record<string, string>): Promise<ExecResult>
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2_000 }
// verify's definite answers: no signatures, no such tag, no matching signature, no certificate.
const VERIFY_ANSWERS = new Set([10, 11, 12, 13])

export function cosignRunner(options: CosignRunnerOptions): CosignRunner {
  const log = options.log ?? stepLog
  const attempt = async (step: string, args: string[], extraEnv: Record<string, string>): Promise<ExecResult> => {
    log.info(logSafe(`cosign ${args.map(shellQuote).join(' ')}`))
    return retrying(
      () => options.exec(options.cosignPath, args, { env: { ...options.env, ...extraEnv }, echo: false }),
      {
        policy: options.retry ?? DEFAULT_RETRY,
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        retryable: (result) =>
          result.exitCode !== 0 && !VERIFY_ANSWERS.has(result.exitCode) && isTransientFailure(result.stderr),
        onRetry: (result, delay, next, attempts) =>
          log.warning(
            `cosign ${step} failed with a transient error (${cosignFailure(result.stderr)}); ` +
              `retrying in ${Math.round(delay / 1000)}s (attempt ${next} of ${attempts})`,
          ),
      },
    )
  }

  return {
    log,
    loggingTo: (other) => cosignRunner({ ...options, log: other }),
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

/**
 * Runs independent cosign calls at once, each logging into its own held log; prints those logs in the order given
 * once all have settled, then throws the first failure in that order (so two failures read as one would have).
 */
export async function sideBySide<T extends unknown[]>(
  cosign: CosignRunner,
  calls: { [K in keyof T]: (cosign: CosignRunner) => Promise<T[K]> },
): Promise<T> {
  const logs = calls.map(() => heldLog())
  const settled = await Promise.allSettled(calls.map((call, index) => call(cosign.loggingTo(logs[index]!))))
  for (const log of logs) log.printTo(cosign.log)
  return settled.map((result) => {
    if (result.status === 'rejected') throw result.reason
    return result.value
  }) as T
}
