// Types for cosign-flags.mjs: cosign's flags per subcommand and release.
import type { FlagSpec } from './pflag.mjs'
export const COSIGN_FLAGS: Record<string, Record<string, unknown>>
export function cosignFlagTable(command: string, version: string | number[]): Record<string, FlagSpec>
export function parse(version: string | number[]): number[]
