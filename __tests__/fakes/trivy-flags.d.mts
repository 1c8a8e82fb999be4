// Types for trivy-flags.mjs: the flags of `trivy` and `trivy image` at v0.74.0.
import type { FlagSpec } from './pflag.mjs'
export const TRIVY_FLAGS: { root: Record<string, FlagSpec>; image: Record<string, FlagSpec> }
