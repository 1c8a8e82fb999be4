// What the gate decides, as data: the renderers, outputs and signing all read this and nothing else.
import type { Budgets, Finding, Severity } from './model.js'

/** One entry of an ignore file. */
export interface Exception {
  id: string
  statement?: string
  /** Last day (YYYY-MM-DD, UTC) on which the exception still applies. */
  expiresOn?: string
  paths?: string[]
  purls?: string[]
  /** Where it was written, e.g. `.trivyignore:4`. */
  source: string
}

/** What an ignore file holds: its exceptions, and what vouch noticed about the file while reading it. */
export interface ParsedIgnoreFile {
  exceptions: Exception[]
  warnings: string[]
}

export type IgnoreReason =
  | { kind: 'exception'; exception: Exception }
  | { kind: 'unfixed' }
  | { kind: 'not_affected' }
  | { kind: 'vex'; statement?: string; source?: string }

export interface IgnoredFinding {
  finding: Finding
  reason: IgnoreReason
}

/** A severity whose counted findings exceed its budget. */
export interface Breach {
  severity: Severity
  budget: number
  counted: number
  findings: Finding[]
}

export interface GateResult {
  budgets: Budgets
  /** Counted findings (unique, after exceptions, VEX and ignore-unfixed), worst first. */
  counted: Finding[]
  counts: Record<Severity, number>
  /** Counted findings that have a fixed version. */
  fixable: number
  ignored: IgnoredFinding[]
  /** Exceptions past their expiry: they suppressed nothing. */
  expiredExceptions: Exception[]
  breaches: Breach[]
}

export type ScanStatus = 'passed' | 'failed' | 'error'

/** Where a run stopped with an error, in the order of the flow: what the summary's headline says failed. */
export type FailedStage = 'inputs' | 'resolve' | 'install' | 'scan' | 'reports' | 'sign'

/** The only verdict an image is signed on: signImage and signAndAttest take nothing else. */
export type PassedVerdict = Extract<Verdict, { status: 'passed' }>

export type Verdict =
  | { status: 'passed'; gate: GateResult }
  | { status: 'failed'; gate: GateResult }
  | {
      status: 'error'
      /** What went wrong, for the log and the summary. */
      cause: string
      /** What the user can do about it. */
      remedy?: string
      /** The stage that failed; the scan when unknown. */
      stage?: FailedStage
      /** Present when the error came after a gate was computed (e.g. signing failed). */
      gate?: GateResult
    }
