// Narrowing what JSON.parse returns, for the readers of registry replies, docker configs, cosign's and Trivy's output.

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
