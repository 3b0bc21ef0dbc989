// Notes the source address of signed ActivityPub requests under the signing server's domain,
// but only once the signature has verified (the key's owner proved it holds that server's key):
// Fedify verifies during federation.fetch() without telling us the address, so the request is
// copied beforehand and its signature checked again here (the key comes from Fedify's cache).
import { getLogger } from "@logtape/logtape";
import type { Ctx } from "../domain/context.ts";
import { recordServerAddress } from "../domain/federation-policy/server-addresses.ts";
import type { CaracolFederation } from "./federation.ts";

const logger = getLogger(["caracol", "federation", "server-addresses"]);

/** A copy of the request to check later, when it carries an HTTP signature; else null. */
export function signedCopy(request: Request): Request | null {
  return request.headers.has("signature") || request.headers.has("signature-input") ? request.clone() : null;
}

/** The key id's host as the request claims it, before any verification (used only to skip work). */
function claimedHost(request: Request): string | null {
  const keyId = (request.headers.get("signature") ?? request.headers.get("signature-input") ?? "").match(/keyid="([^"]+)"/i)?.[1];
  try {
    return keyId ? new URL(keyId).hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

export async function noteSignedRequest(federation: CaracolFederation, ctx: Ctx, copy: Request, address: string | null): Promise<void> {
  if (!address) return;
  const claimed = claimedHost(copy);
  // Already recorded (after verification) a moment ago: nothing to refresh yet.
  const recent = claimed ? ctx.cache.get(`server-address:${claimed}:${address}`) : undefined;
  if (!claimed || (recent && recent.until > Date.now())) return;
  try {
    const key = await federation.createContext(copy, ctx).getSignedKey();
    const owner = key?.ownerId ?? key?.id;
    if (!owner) return;
    const domain = owner.hostname.toLowerCase();
    if (domain === new URL(ctx.config.origin).hostname) return;
    await recordServerAddress(ctx, domain, address);
  } catch (error) {
    logger.info("Could not note the address of a signed request: {error}", { error });
  }
}
