// Fedify document loaders on top of safeFetch, and the three createFederation options that
// install them. Fedify's own loaders check the host with a DNS lookup before fetch() resolves
// it again (open to DNS rebinding), follow up to 20 redirects, and read bodies of any size
// with no time limit; ours connect only to checked addresses and bound time and size.
//
// Fedify refuses these factories together with its `allowPrivateAddress` or `userAgent`
// options, so both are ours to apply: they come from our options, and whatever Fedify passes
// to a factory is ignored.
import { kvCache, signRequest } from "@fedify/fedify";
import type { FederationOptions, HttpMessageSignaturesSpec, KvKey, KvStore } from "@fedify/fedify";
import { getRemoteDocument, preloadedContexts } from "@fedify/fedify";
import type { DocumentLoader, RemoteDocument } from "@fedify/fedify";
import { DEFAULT_MAX_BYTES, safeFetch } from "./safe-fetch.ts";
import type { Resolver, SafeFetchOptions, SafeResponse } from "./safe-fetch.ts";

/** What we ask for: ActivityStreams first, JSON-LD second (the form Mastodon expects). */
export const ACTIVITY_ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

export type LoaderOptions = {
  allowPrivateAddress: boolean;
  /** `userAgentFor(config.origin)`. */
  userAgent: string;
  /** Largest JSON-LD document accepted (default 1 MiB). */
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** See SafeFetchOptions.isAllowedAddress (a test seam). */
  isAllowedAddress?: (address: string) => boolean;
};

type Identity = { keyId: URL; privateKey: CryptoKey };

/** The key under which Fedify's own KvSpecDeterminer remembers which signature spec a server
 * accepts; sharing it means deliveries and our signed fetches learn from each other. */
const SPEC_PREFIX: KvKey = ["_fedify", "httpMessageSignaturesSpec"];
const DOCUMENT_PREFIX: KvKey = ["_fedify", "remoteDocument"];

function preloaded(url: string): RemoteDocument | null {
  // Well-known contexts (ActivityStreams, security, ...) ship with Fedify: never fetched.
  if (!Object.hasOwn(preloadedContexts, url)) return null;
  return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
}

function fetchOptions(options: LoaderOptions, signal: AbortSignal | undefined): SafeFetchOptions {
  return {
    allowPrivateAddress: options.allowPrivateAddress,
    userAgent: options.userAgent,
    accept: ACTIVITY_ACCEPT,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    timeoutMs: options.timeoutMs,
    maxRedirects: options.maxRedirects,
    resolve: options.resolve,
    isAllowedAddress: options.isAllowedAddress,
    signal,
  };
}

function toRemoteDocument(response: SafeResponse, load: DocumentLoader): Promise<RemoteDocument> {
  // Fedify's parser: Link headers (JSON-LD context, alternate), HTML with an alternate link,
  // FetchError for an HTTP error. The final URL after redirects becomes documentUrl.
  return getRemoteDocument(response.url, response.toResponse(), load);
}

/** An unsigned document loader. */
export function createDocumentLoader(options: LoaderOptions): DocumentLoader {
  const load: DocumentLoader = async (url, loadOptions) => {
    const known = preloaded(url);
    if (known) return known;
    return toRemoteDocument(await safeFetch(url, fetchOptions(options, loadOptions?.signal)), load);
  };
  return load;
}

function otherSpec(spec: HttpMessageSignaturesSpec): HttpMessageSignaturesSpec {
  return spec === "rfc9421" ? "draft-cavage-http-signatures-12" : "rfc9421";
}

/**
 * A loader that signs every request (and every redirect hop) as `identity`, for servers that
 * require signed fetches. Like Fedify's, it tries the spec last known to work for the origin
 * (RFC 9421 first) and on 400/401 "double-knocks" with the other one. Not cached, as in Fedify:
 * what a signed fetch returns depends on who asked.
 */
export function createAuthenticatedDocumentLoader(
  identity: Identity,
  options: LoaderOptions & { kv?: KvStore; firstKnock?: HttpMessageSignaturesSpec },
): DocumentLoader {
  const signed = (url: string, spec: HttpMessageSignaturesSpec, signal: AbortSignal | undefined) =>
    safeFetch(url, {
      ...fetchOptions(options, signal),
      prepare: (request) => signRequest(request, identity.privateKey, identity.keyId, { spec }),
    });
  const load: DocumentLoader = async (url, loadOptions) => {
    const known = preloaded(url);
    if (known) return known;
    const origin = new URL(url).origin;
    const remembered = await options.kv?.get<HttpMessageSignaturesSpec>([...SPEC_PREFIX, origin]);
    const first = remembered ?? options.firstKnock ?? "rfc9421";
    let response = await signed(url, first, loadOptions?.signal);
    let spec = first;
    if (response.status === 400 || response.status === 401) {
      const retry = await signed(url, otherSpec(first), loadOptions?.signal);
      if (retry.status !== 400 && retry.status !== 401) {
        response = retry;
        spec = otherSpec(first);
      }
    }
    if (response.ok && spec !== remembered) await options.kv?.set([...SPEC_PREFIX, origin], spec);
    return toRemoteDocument(response, load);
  };
  return load;
}

export type LoaderFactories = Required<
  Pick<
    FederationOptions<unknown>,
    "documentLoaderFactory" | "contextLoaderFactory" | "authenticatedDocumentLoaderFactory"
  >
>;

import { createOfflineContextLoader } from "../mappers/document-loader.ts";

/**
 * The options to spread into createFederation() so that all of Fedify's fetching of
 * ActivityPub documents goes through safeFetch. Unsigned documents and contexts are cached in
 * `kv` for five minutes, as Fedify's built-in loaders do.
 */
export function createLoaderFactories(options: LoaderOptions & { kv: KvStore }): LoaderFactories {
  const documentLoader = kvCache({ loader: createDocumentLoader(options), kv: options.kv, prefix: DOCUMENT_PREFIX });
  // JSON-LD contexts are never fetched: the well-known ones ship with Fedify, and an unknown one
  // (each Pleroma server serves its own litepub context) gets a fallback that keeps the common
  // terms. Fetching them would let any sender make us fetch any URL, and a context that cannot
  // be fetched would make a whole activity fail (docs/decisions/0005-offline-json-ld-contexts.md).
  const contextLoader = createOfflineContextLoader();
  return {
    documentLoaderFactory: () => documentLoader,
    contextLoaderFactory: () => contextLoader,
    authenticatedDocumentLoaderFactory: (identity) => createAuthenticatedDocumentLoader(identity, options),
  };
}
