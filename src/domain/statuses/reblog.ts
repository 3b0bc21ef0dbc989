// Boosts. A boost is a status row pointing at the boosted post, with the same audience or a
// narrower one, so that boosting never shows a post to anyone who could not see it already.
import { and, eq, sql } from "drizzle-orm";
import { accounts, AUDIENCES, statuses, type Audience } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { statusUri } from "../accounts/urls.ts";
import { notify } from "../notifications/notify.ts";
import { fanOutStatus } from "../timelines/fanout.ts";
import type { StatusRow } from "./create.ts";
import { deleteStatus } from "./delete.ts";
import { forbiddenError, notFoundError } from "./errors.ts";
import { localViewer, statusById, visibleStatus } from "./lookup.ts";
import { audienceFromRequest } from "./visibility.ts";

/** Audiences anyone who can see the post may boost; in narrower ones only the author may. */
const BOOSTABLE_BY_ANYONE: ReadonlySet<Audience> = new Set(["public", "unlisted", "authenticated", "local"]);
const BOOSTABLE_BY_AUTHOR: ReadonlySet<Audience> = new Set([...BOOSTABLE_BY_ANYONE, "followers", "circle"]);

function narrower(a: Audience, b: Audience): Audience {
  return AUDIENCES.indexOf(a) <= AUDIENCES.indexOf(b) ? a : b;
}

export function canBoost(accountId: string, target: StatusRow): boolean {
  if (target.reblogOfId) return false;
  return target.accountId === accountId ? BOOSTABLE_BY_AUTHOR.has(target.audience) : BOOSTABLE_BY_ANYONE.has(target.audience);
}

export async function reblog(ctx: Ctx, accountId: string, id: string, visibility?: "public" | "unlisted" | "private"): Promise<StatusRow> {
  const target = await visibleStatus(ctx, localViewer(accountId), id, true);
  if (!canBoost(accountId, target)) throw forbiddenError("This action is not allowed");
  const [existing] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, target.id)));
  if (existing) return existing;

  const requested = visibility ? audienceFromRequest(visibility, false).audience : target.audience;
  const audience = narrower(target.audience, requested);
  const [booster] = await ctx.db.select({ username: accounts.username }).from(accounts).where(eq(accounts.id, accountId));
  if (!booster) throw notFoundError();
  const boostId = newId();
  const now = new Date();
  const row: StatusRow = {
    id: boostId,
    uri: `${statusUri(ctx.config.origin, booster.username, boostId)}/activity`,
    url: null,
    accountId,
    inReplyToId: null,
    inReplyToAccountId: null,
    reblogOfId: target.id,
    content: "",
    text: "",
    spoilerText: "",
    sensitive: false,
    language: null,
    audience,
    localOnly: target.localOnly || audience === "local",
    applicationId: null,
    circleId: audience === "circle" ? target.circleId : null,
    repliesCount: 0,
    reblogsCount: 0,
    favouritesCount: 0,
    createdAt: now,
    editedAt: null,
  };
  const inserted = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const done = await db.insert(statuses).values(row).onConflictDoNothing().returning({ id: statuses.id });
    if (!done.length) return false;
    await db
      .update(statuses)
      .set({ reblogsCount: sql`${statuses.reblogsCount} + 1` })
      .where(eq(statuses.id, target.id));
    await db
      .update(accounts)
      .set({ statusesCount: sql`${accounts.statusesCount} + 1`, lastStatusAt: now })
      .where(eq(accounts.id, accountId));
    return true;
  });
  if (!inserted) {
    // a concurrent request boosted it first
    const [again] = await ctx.db.select().from(statuses).where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, target.id)));
    if (!again) throw notFoundError();
    return again;
  }
  await fanOutStatus(ctx, row);
  await notify(ctx, { accountId: target.accountId, fromAccountId: accountId, type: "reblog", statusId: target.id });
  await ctx.events.emit({ type: "reblog.created", statusId: row.id });
  return row;
}

/** Removes one's boost of the post; answers with the post itself (hidden ones are not found). */
export async function unreblog(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  let target = await statusById(ctx, id);
  if (target?.reblogOfId) target = await statusById(ctx, target.reblogOfId);
  if (!target) throw notFoundError();
  const [boost] = await ctx.db.select().from(statuses).where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, target.id)));
  if (boost) await deleteStatus(ctx, boost);
  return visibleStatus(ctx, localViewer(accountId), target.id);
}
