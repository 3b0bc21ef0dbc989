// Offline JSON-LD loaders: parse ActivityStreams documents without ever touching the network.
//
// - `refusingDocumentLoader` refuses every URL. Give it to Fedify wherever an *object* could be
//   fetched (documentLoader) when only embedded data may be read.
// - `createOfflineContextLoader()` serves the JSON-LD contexts Fedify ships
//   (`preloadedContexts` from @fedify/fedify: ActivityStreams, security v1, data-integrity,
//   Mastodon's toot namespace, Lemmy's context, GoToSocial's, schema.org, ...), also under their
//   http:// spellings. Any other context URL (every Pleroma/Akkoma instance serves its own
//   `/schemas/litepub-0.1.jsonld`, Hubzilla, Kroeg, Funkwhale, mbin have their own) is either
//   refused (`unknownContexts: "refuse"`, a parse error) or answered with FALLBACK_CONTEXT
//   (`"fallback"`, the default): a context written here that maps the extension terms the
//   fediverse commonly uses (sensitive, Hashtag, Emoji, EmojiReact, PropertyValue, ...) to their
//   usual IRIs. Terms the substituted context would have defined and that the fallback does not
//   know are dropped by JSON-LD expansion, which loses data but never invents it.
//
// Usage with Fedify:
//   const obj = await Object.fromJsonLd(json, {
//     documentLoader: refusingDocumentLoader,
//     contextLoader: createOfflineContextLoader(),
//   });
// In a Federation: createFederation({ ..., contextLoaderFactory: () => createOfflineContextLoader() })
// keeps remote contexts from being fetched; object fetches keep using the normal loader.
import { preloadedContexts } from "@fedify/fedify";
import { Object as ASObject } from "@fedify/vocab";
import type { DocumentLoader, RemoteDocument } from "@fedify/vocab";

const AS = "https://www.w3.org/ns/activitystreams#";

/** Extension terms seen across Mastodon, Pleroma/Akkoma, Misskey, Lemmy and friends. */
export const FALLBACK_CONTEXT = {
  "@context": [
    // Every ActivityPub context document seen in the wild builds on ActivityStreams.
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    "http://joinmastodon.org/ns",
    {
      sensitive: `${AS}sensitive`,
      Hashtag: `${AS}Hashtag`,
      manuallyApprovesFollowers: `${AS}manuallyApprovesFollowers`,
      movedTo: { "@id": `${AS}movedTo`, "@type": "@id" },
      alsoKnownAs: { "@id": `${AS}alsoKnownAs`, "@type": "@id" },
      quoteUrl: `${AS}quoteUrl`,
      schema: "http://schema.org/",
      PropertyValue: "schema:PropertyValue",
      value: "schema:value",
      litepub: "http://litepub.social/ns#",
      ChatMessage: "litepub:ChatMessage",
      EmojiReact: "litepub:EmojiReact",
      directMessage: "litepub:directMessage",
      listMessage: { "@id": "litepub:listMessage", "@type": "@id" },
      oauthRegistrationEndpoint: { "@id": "litepub:oauthRegistrationEndpoint", "@type": "@id" },
      misskey: "https://misskey-hub.net/ns#",
      _misskey_content: "misskey:_misskey_content",
      _misskey_quote: "misskey:_misskey_quote",
      _misskey_reaction: "misskey:_misskey_reaction",
      isCat: "misskey:isCat",
      ostatus: "http://ostatus.org#",
      atomUri: "ostatus:atomUri",
      inReplyToAtomUri: "ostatus:inReplyToAtomUri",
      conversation: "ostatus:conversation",
    },
  ],
} as const;

/** The same documents under other spellings of their URL. */
const ALIASES: Record<string, string> = {
  "http://www.w3.org/ns/activitystreams": "https://www.w3.org/ns/activitystreams",
  "https://www.w3.org/ns/activitystreams.jsonld": "https://www.w3.org/ns/activitystreams",
  "http://w3id.org/security/v1": "https://w3id.org/security/v1",
  "https://joinmastodon.org/ns": "http://joinmastodon.org/ns",
  "https://schema.org/": "http://schema.org/",
  "https://schema.org": "http://schema.org/",
  "http://schema.org": "http://schema.org/",
};

const PRELOADED = preloadedContexts as Record<string, unknown>;

/** Thrown for every URL an offline loader will not serve. */
export class OfflineLoaderError extends Error {
  readonly url: string;
  constructor(url: string, what: string) {
    super(`offline: refusing to load ${what} ${url}`);
    this.name = "OfflineLoaderError";
    this.url = url;
  }
}

/** The preloaded context for `url` (or one of its aliases), else undefined. */
export function preloadedContext(url: string): unknown {
  const key = url.replace(/#.*$/, "");
  return PRELOADED[key] ?? (ALIASES[key] !== undefined ? PRELOADED[ALIASES[key]] : undefined);
}

export type OfflineContextLoaderOptions = {
  /** What to do with a context URL Fedify does not ship: refuse it, or serve FALLBACK_CONTEXT. */
  unknownContexts?: "refuse" | "fallback";
  /** Called with every URL that was answered with FALLBACK_CONTEXT (for logs and test summaries). */
  onFallback?: (url: string) => void;
};

export function createOfflineContextLoader(options: OfflineContextLoaderOptions = {}): DocumentLoader {
  const mode = options.unknownContexts ?? "fallback";
  return async (url: string): Promise<RemoteDocument> => {
    const document = preloadedContext(url);
    if (document !== undefined) return { contextUrl: null, documentUrl: url, document };
    if (mode === "fallback") {
      options.onFallback?.(url);
      return { contextUrl: null, documentUrl: url, document: FALLBACK_CONTEXT };
    }
    throw new OfflineLoaderError(url, "context");
  };
}

/** The default offline context loader (fallback mode). */
export const offlineContextLoader: DocumentLoader = createOfflineContextLoader();

/** A document loader that loads nothing: Fedify can only read what is embedded. */
export const refusingDocumentLoader: DocumentLoader = async (url: string): Promise<RemoteDocument> => {
  throw new OfflineLoaderError(url, "document");
};

/**
 * Parses a JSON-LD document (an inbox POST body, a fixture) into a @fedify/vocab object with no
 * network access: contexts from the offline loader, objects never fetched. Throws what Fedify
 * throws for documents it cannot parse (bad JSON-LD, invalid keys, refused contexts).
 */
export async function parseJsonLdOffline(json: unknown, options: OfflineContextLoaderOptions = {}): Promise<ASObject> {
  const contextLoader = options.unknownContexts === undefined && options.onFallback === undefined ? offlineContextLoader : createOfflineContextLoader(options);
  return await ASObject.fromJsonLd(json, { documentLoader: refusingDocumentLoader, contextLoader });
}
