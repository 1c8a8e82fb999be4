// Reads an HTTP response body with a byte cap, for every body vouch keeps (manifests, token answers, VEX documents,
// error pages): past the cap the stream is cancelled, which closes the connection, so an endless or oversized body
// costs at most `limit` bytes of memory instead of being buffered whole before anything looks at its size.

/** The body, or undefined when it is (or says it is) longer than `limit` bytes; then nothing more is read. */
export async function readCapped(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  const body = response.body
  if (Number.isFinite(declared) && declared > limit) {
    await body?.cancel()
    return undefined
  }
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** An error body as text, for a message: at most `limit` bytes of it, the rest never read. */
export async function readErrorText(response: Response, limit = 64 * 1024): Promise<string> {
  const bytes = await readCapped(response, limit)
  return bytes === undefined ? `(a body of more than ${limit} bytes, not read)` : Buffer.from(bytes).toString('utf8')
}
