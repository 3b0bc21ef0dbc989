// Letters of introduction: what a server waiting for our approval says about itself, read from
// its NodeInfo (`metadata.caracol.introduction: {text, contact}`, the field our own NodeInfo
// publishes from the `introduction` setting). Read once, in the background, when the server
// first reaches us; the admin sees it when deciding. Anything malformed counts as no letter.
import type { Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import { z } from "zod";
import type { Ctx } from "../../domain/context.ts";
import { recordIntroduction, type Introduction } from "../../domain/federation-policy/approval.ts";
import { readNodeInfo } from "../policy-scan/nodeinfo.ts";

const logger = getLogger(["caracol", "federation", "introduction"]);

// Longer texts are cut rather than refused: a long letter is still a letter.
export const plain = (max: number) => z.string().transform((s) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim().slice(0, max));
export const letter = z.object({ text: plain(2000), contact: plain(320).optional().default("") });

/**
 * The letter published at `origin` (scheme, host and port of the server), or null. Read with
 * the same NodeInfo reader as the policy scans (same-host NodeInfo only, SSRF-safe).
 */
export async function readIntroduction(ctx: Ctx, origin: string): Promise<Introduction | null> {
  const reading = await readNodeInfo(ctx, origin, { timeoutMs: 5000 });
  const caracol = reading.policy?.caracol as { introduction?: unknown } | undefined;
  const intro = letter.safeParse(caracol?.introduction);
  return intro.success && intro.data.text ? intro.data : null;
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
