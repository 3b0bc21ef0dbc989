// Pieces shared by the account, follow-request, block and mute routes: finding an account the
// viewer may see (404 otherwise), answering a page of accounts, mapping domain refusals.
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { profileFacts, profileView, type ProfileView } from "../domain/audience/facts.ts";
import { findAccount, type AccountRow } from "../domain/accounts/find.ts";
import { RelationshipError } from "../domain/follows/errors.ts";
import { AccountError } from "../domain/accounts/create.ts";
import { serializeAccounts, type MastodonAccount } from "./entities/account.ts";
import { forbidden, notFound, unprocessable } from "./errors.ts";
import { setLinkHeader } from "./pagination.ts";

/** The account behind `id` and what of it the viewer may see; 404 when the gate hides it. */
export async function visibleAccount(c: Context<AppEnv>, viewer: Viewer, id: string): Promise<{ row: AccountRow; view: ProfileView }> {
  const ctx = c.var.ctx;
  const row = await findAccount(ctx, id);
  if (!row) throw notFound();
  const facts = (await profileFacts(ctx, viewer, [row.id])).get(row.id)!;
  const view = profileView(viewer, facts);
  if (!view.visible) throw notFound();
  return { row, view };
}

/** Serialises a page of accounts in order (dropping those the viewer may not see) with a Link header. */
export async function accountPage<R extends { cursor: string; account: AccountRow }>(
  c: Context<AppEnv>,
  viewer: Viewer,
  rows: R[],
  extra?: (row: R, a: MastodonAccount) => MastodonAccount,
): Promise<MastodonAccount[]> {
  const serialized = await serializeAccounts(c.var.ctx, viewer, rows.map((r) => r.account));
  const out: MastodonAccount[] = [];
  for (const r of rows) {
    const a = serialized.get(r.account.id);
    if (a) out.push(extra ? extra(r, a) : a);
  }
  setLinkHeader(c, { newest: rows[0]?.cursor, oldest: rows[rows.length - 1]?.cursor });
  return out;
}

/** Runs a domain action, turning its refusals into Mastodon's answers. */
export async function act<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RelationshipError) {
      if (e.kind === "not_found") throw notFound();
      if (e.kind === "forbidden") throw forbidden(e.message);
      throw unprocessable(e.message);
    }
    if (e instanceof AccountError) throw unprocessable(`${e.field} ${e.message}`, { [e.field]: [{ error: "ERR_INVALID", description: e.message }] });
    throw e;
  }
}
