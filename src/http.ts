// The WHATWG fetch vouch speaks HTTP with: undici's own, the copy that @actions/http-client already brings into the
// bundle and that @actions/core evaluates at start. Node's global fetch is a second copy of undici, compiled on its
// first use: about 20 ms of CPU at every start (bench/README.md). Same API; only the type declarations differ (in
// FormData and File, which vouch never uses), hence the casts.
import { fetch as undiciFetch, Headers as UndiciHeaders } from 'undici'

export const httpFetch = undiciFetch as unknown as typeof fetch
export const HttpHeaders = UndiciHeaders as unknown as typeof Headers
