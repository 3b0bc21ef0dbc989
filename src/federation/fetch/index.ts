// Safe outbound fetching: see safe-fetch.ts (why and how) and document-loader.ts (Fedify).
export { isPublicAddress } from "./address.ts";
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  SafeFetchError,
  safeFetch,
  userAgentFor,
} from "./safe-fetch.ts";
export type { Resolver, SafeFetchErrorCode, SafeFetchOptions, SafeResponse } from "./safe-fetch.ts";
export {
  ACTIVITY_ACCEPT,
  createAuthenticatedDocumentLoader,
  createDocumentLoader,
  createLoaderFactories,
} from "./document-loader.ts";
export type { LoaderFactories, LoaderOptions } from "./document-loader.ts";
