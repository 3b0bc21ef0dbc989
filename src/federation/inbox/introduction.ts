// Letters of introduction: what a server waiting for our approval says about itself, read from
// its NodeInfo (`metadata.caracol.introduction: {text, contact}`, the field our own NodeInfo
// publishes from the `introduction` setting). Read once, in the background, when the server
// first reaches us; the admin sees it when deciding. Anything malformed counts as no letter.
import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { z } from "zod";
import type { Ctx } from "../../domain/context.ts";
import { recordIntroduction, type Introduction } from "../../domain/federation-policy/approval.ts";
import { safeFetch, userAgentFor } from "../fetch/index.ts";

const logger = getLogger(["caracol", "federation", "introduction"]);

const NODEINFO_SCHEMAS = ["http://nodeinfo.diaspora.software/ns/schema/2.1", "http://nodeinfo.diaspora.software/ns/schema/2.0"];
const LIMITS = { timeoutMs: 5000, maxBytes: 64 * 1024, maxRedirects: 0 };

const discovery = z.object({ links: z.array(z.object({ rel: z.string(), href: z.string() })).max(50) });
// Longer texts are cut rather than refused: a long letter is still a letter.
export const plain = (max: number) => z.string().transform((s) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim().slice(0, max));
export const letter = z.object({ text: plain(2000), contact: plain(320).optional().default("") });
const nodeinfo = z.object({ metadata: z.object({ caracol: z.object({ introduction: z.unknown() }).partial() }).partial() }).partial();

/** The letter published at `origin` (scheme, host and port of the server), or null. */
export async function readIntroduction(ctx: Ctx, origin: string): Promise<Introduction | null> {
  const opts = { ...LIMITS, allowPrivateAddress: ctx.config.allowPrivateAddress, userAgent: userAgentFor(ctx.config.origin) };
  const base = new URL(origin);
  const wellKnown = await safeFetch(new URL("/.well-known/nodeinfo", base), opts);
  if (!wellKnown.ok) return null;
  const links = discovery.safeParse(wellKnown.json());
  if (!links.success) return null;
  const link = NODEINFO_SCHEMAS.map((rel) => links.data.links.find((l) => l.rel === rel)).find((l) => l);
  if (!link) return null;
  const href = new URL(link.href, base);
  // Only the server's own NodeInfo speaks for it.
  if (href.origin !== base.origin) return null;
  const doc = await safeFetch(href, opts);
  if (!doc.ok) return null;
  const info = nodeinfo.safeParse(doc.json());
  const intro = info.success ? letter.safeParse(info.data.metadata?.caracol?.introduction) : null;
  return intro?.success && intro.data.text ? intro.data : null;
}

/** Reads and stores the letter of `domain`; failures are logged and stored as "no letter". */
export async function fetchIntroduction(ctx: Ctx, origin: string, domain: string): Promise<void> {
  let intro: Introduction | null = null;
  try {
    intro = await readIntroduction(ctx, origin);
  } catch (error) {
    logger.info("No letter of introduction from {origin}: {error}", { origin, error: String(error) });
  }
  await recordIntroduction(ctx, domain, intro);
}

/**
 * The server whose actor signed `request` (HTTP Signatures, verified as for the inbox: the key
 * is fetched from its id), or null when it is unsigned or the signature does not verify.
 */
export async function signingServer(federation: Federation<Ctx>, ctx: Ctx, request: Request): Promise<string | null> {
  const key = await federation.createContext(request, ctx).getSignedKey().catch(() => null);
  if (!key?.id) return null;
  // The key and its owner live on one server, which is the one speaking.
  if (key.ownerId && key.ownerId.host !== key.id.host) return null;
  return key.id.host.toLowerCase();
}
