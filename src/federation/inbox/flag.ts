// Flag (a report from another server about one of our accounts and some of its posts), and
// Add / Remove on a remote account's featured collection (its pinned posts).
//
// A report is stored for the moderators, unless a domain rule says to reject reports from
// that server. Only our own accounts and posts are looked at in it; the rest is ignored.
import type { Add, Flag, Remove } from "@fedify/vocab";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { accounts, pins, reports, statuses } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import { serverPolicy } from "../../domain/federation-policy/standing.ts";
import { hostOf } from "../mappers/common.ts";
import { budget } from "../resolve-context.ts";
import { resolveRemoteStatus } from "../resolve.ts";
import { classify, ignore, logger, sender, type InboxCtx } from "./common.ts";

export async function onFlag(ictx: InboxCtx, activity: Flag): Promise<void> {
  const c = await classify(ictx, activity, "Flag");
  if (!c) return;
  const ctx = ictx.data;
  const host = hostOf(c.actor) ?? "";
  if ((await serverPolicy(ctx, host)).rejectReports) return ignore(c, "reports from this server are rejected");
  const objects = c.objects.slice(0, 100);
  const localAccounts = await ctx.db.select({ id: accounts.id, uri: accounts.uri, domain: accounts.domain }).from(accounts).where(inArray(accounts.uri, objects));
  const reported = await ctx.db.select({ id: statuses.id, accountId: statuses.accountId }).from(statuses).where(inArray(statuses.uri, objects));
  const targetId = localAccounts.find((a) => a.domain === null)?.id ?? null;
  const target = targetId ?? (await localAuthorOf(ictx, reported.map((s) => s.accountId)));
  if (!target) return ignore(c, "names none of our accounts");
  const reporter = await sender(ictx, c);
  if (!reporter) return;
  const created = await ctx.db
    .insert(reports)
    .values({
      id: newId(),
      uri: c.id,
      accountId: reporter.id,
      targetAccountId: target,
      statusIds: reported.filter((s) => s.accountId === target).map((s) => s.id),
      comment: c.content,
    })
    .onConflictDoNothing()
    .returning({ id: reports.id });
  if (created.length) logger.info("Report {id} from {actor} stored", { id: c.id, actor: c.actor });
}

async function localAuthorOf(ictx: InboxCtx, authorIds: string[]): Promise<string | null> {
  if (authorIds.length === 0) return null;
  const [row] = await ictx.data.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(inArray(accounts.id, authorIds), isNull(accounts.domain)))
    .limit(1);
  return row?.id ?? null;
}

/** Pins of remote accounts: a post of theirs added to or removed from their featured collection. */
export async function onFeatured(ictx: InboxCtx, activity: Add | Remove): Promise<void> {
  const c = await classify(ictx, activity, "Add", "Remove");
  if (!c) return;
  // classifyActivity has checked that the collection is on the actor's host; which of its
  // collections it is, the actor document would say; the path is a good enough sign for pins.
  if (!/featured/i.test(new URL(c.target).pathname)) return ignore(c, `${c.target} is not a featured collection`);
  const uri = c.object.uri;
  if (!uri || c.object.kind === "local") return ignore(c, "not a post of theirs");
  const actor = await sender(ictx, c);
  if (!actor) return;
  const ctx = ictx.data;
  const status = c.type === "Add" ? await resolveRemoteStatus(ictx, uri, { budget: budget(2), parentDepth: 0 }) : (await ctx.db.select().from(statuses).where(eq(statuses.uri, uri)))[0];
  if (!status || status.accountId !== actor.id || status.reblogOfId) return ignore(c, "not a post of theirs");
  if (c.type === "Add") await ctx.db.insert(pins).values({ id: newId(), accountId: actor.id, statusId: status.id }).onConflictDoNothing();
  else await ctx.db.delete(pins).where(and(eq(pins.accountId, actor.id), eq(pins.statusId, status.id)));
}
