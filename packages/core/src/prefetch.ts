import type { TillStore } from './basic/till-store.js'
import type { IssuerVerifier } from './bearer/issuer-verifier.js'
import { IssuerUnavailableError } from './errors.js'

/** A till store that can load itself ahead of the first request, as `fileTillStore` can. */
interface LoadableTillStore extends TillStore {
  refresh(): Promise<void>
}

/**
 * `Authenticator.prefetch()`: every issuer's metadata and keys, and every till store that can
 * load ahead (`refresh()`), fetched now, so start-up or readiness learns what the first request
 * would otherwise learn as a 503. Each rejection says where: the issuer, or the till file.
 */
export function createPrefetch(
  issuers: readonly IssuerVerifier[],
  tillStores: ReadonlyArray<TillStore | undefined>,
): () => Promise<void> {
  const loadable = [...new Set(tillStores)].filter(isLoadable)
  return async () => {
    await Promise.all([
      ...issuers.map((issuer) =>
        issuer.prefetch().catch((error: unknown) => {
          throw naming(issuer.config.issuer, error)
        }),
      ),
      // fileTillStore's rejection already names its file (and never quotes the contents).
      ...loadable.map((store) => store.refresh()),
    ])
  }
}

function isLoadable(store: TillStore | undefined): store is LoadableTillStore {
  return typeof (store as Partial<LoadableTillStore> | undefined)?.refresh === 'function'
}

/**
 * The same 503 (code, `Retry-After`, `cause`), with the issuer named. The issuer identifier is
 * public (every token's `iss`, RFC 9728 `authorization_servers`), so the description stays safe
 * to show a client; which URL failed and how stays in `cause`, as at request time.
 */
function naming(issuer: string, error: unknown): unknown {
  if (!(error instanceof IssuerUnavailableError) || error.code !== 'ERR_ISSUER_UNAVAILABLE') {
    return error
  }
  return new IssuerUnavailableError({
    code: error.code,
    description: `the token issuer ${issuer} is temporarily unavailable`,
    headers: error.headers,
    cause: error.cause,
  })
}
