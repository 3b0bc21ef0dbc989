// Fetching one ActivityPub document from its origin, signed as the instance actor (servers
// that require signed fetch answer it; no person's key is used for work nobody asked for), and
// parsing it. The loader is our safe one (src/federation/fetch): address checks, size and time
// limits. Nothing here trusts the document; the mappers do the checking.
import { Object as ASObject } from "@fedify/vocab";
import { INSTANCE_ACTOR } from "./actor.ts";
import { refusingDocumentLoader } from "./mappers/document-loader.ts";
import { httpUrl } from "./mappers/common.ts";
import { resolveLogger as logger, type FedCtx } from "./resolve-context.ts";

export type Fetched = {
  object: ASObject;
  /** the document as the server sent it (the mappers read extension terms from it) */
  json: unknown;
  /** the URL the document finally came from, after redirects */
  url: string;
};

export async function fetchDocument(fctx: FedCtx, url: string): Promise<Fetched | null> {
  const href = httpUrl(url);
  if (href === null) return null;
  const loader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let document: unknown;
  let finalUrl: string;
  try {
    const remote = await loader(href);
    document = remote.document;
    finalUrl = remote.documentUrl;
  } catch (error) {
    logger.info("Could not fetch {url}: {error}", { url: href, error: String(error) });
    return null;
  }
  try {
    // Embedded values only: whatever the document points at is fetched, if at all, on its own.
    const object = await ASObject.fromJsonLd(document, { documentLoader: refusingDocumentLoader, contextLoader: fctx.contextLoader });
    return { object, json: document, url: finalUrl };
  } catch (error) {
    logger.info("Could not parse {url}: {error}", { url: href, error: String(error) });
    return null;
  }
}
