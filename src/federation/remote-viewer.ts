// Who is fetching: the actor whose HTTP signature verified, as a Viewer for the audience gate.
// An unsigned request has no viewer at all: with signed fetch required it sees only what other
// servers need to verify signatures.
import type { RequestContext } from "@fedify/fedify";
import { and, eq } from "drizzle-orm";
import { accounts } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { serverStanding } from "../domain/federation-policy/standing.ts";

export async function remoteViewer(fctx: RequestContext<Ctx>): Promise<Viewer | null> {
  const ctx = fctx.data;
  const key = await fctx.getSignedKey();
  if (!key?.ownerId && !key?.id) return null;
  const ownerUri = (key.ownerId ?? key.id)!;
  const owner = ownerUri.href.replace(/#.*$/, "");
  const domain = ownerUri.host.toLowerCase();
  if (domain === ctx.config.domain) return null;
  const [row] = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.uri, owner), eq(accounts.domain, domain)));
  return { kind: "remote", accountId: row?.id ?? null, domain, standing: await serverStanding(ctx, domain) };
}

/** The viewer for a GET: the signer, or anonymous when signed fetch is not required. */
export async function fetchViewer(fctx: RequestContext<Ctx>): Promise<Viewer | null> {
  const v = await remoteViewer(fctx);
  if (v) return v;
  return fctx.data.config.requireSignedFetch ? null : { kind: "anonymous" };
}
