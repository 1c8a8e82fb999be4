// Types for pflag.mjs: cobra/pflag command-line parsing for the stand-ins.
export type FlagType = 'bool' | 'string' | 'int' | 'duration' | 'stringSlice'
export type FlagValue = boolean | string | number | string[]
export interface FlagSpec {
  type: FlagType
  shorthand?: string
  default?: FlagValue
  deprecated?: string
}
export class FlagError extends Error {}
export function goQuote(text: string): string
export function parseDuration(text: string): number
export function readCsvRecord(text: string): string[]
export function parseFlags(
  argv: string[],
  table: Record<string, FlagSpec>,
): { values: Map<string, FlagValue>; changed: Set<string>; positionals: string[]; notices: string[] }
