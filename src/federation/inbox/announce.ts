// Announce (a boost) by a remote account. The boosted post is ours, already stored, or fetched
// from its origin (never taken from the Announce). Only what anyone may boost is boosted: a
// public, unlisted or authenticated post, or the booster's own; a post of ours also has to be
// visible to the booster by the gate. The reblog row's audience is the narrower of the two.
import type { Announce } from "@fedify/vocab";
import type { Audience } from "../../db/schema/index.ts";
import { notify } from "../../domain/notifications/notify.ts";
import { canViewStatusRow } from "../../domain/audience/facts.ts";
import { budget } from "../resolve-context.ts";
import { isLocalUri, resolveRemoteStatus } from "../resolve.ts";
import { storeRemoteReblog } from "../resolve-store.ts";
import { classify, fanOut, ignore, quiet, remoteViewerOf, sender, statusByUri, type InboxCtx } from "./common.ts";

const BOOSTABLE: ReadonlySet<Audience> = new Set(["public", "unlisted", "authenticated"]);

export async function onAnnounce(ictx: InboxCtx, activity: Announce): Promise<void> {
  const c = await classify(ictx, activity, "Announce");
  if (!c) return;
  const booster = await sender(ictx, c);
  if (!booster) return;
  const ctx = ictx.data;
  const uri = c.object.uri;
  if (!uri) return ignore(c, "the boosted post has no id");
  const original = c.object.kind === "local" ? await statusByUri(ctx, uri) : await resolveRemoteStatus(ictx, uri, { budget: budget(4) });
  if (!original || original.reblogOfId) return ignore(c, "the boosted post could not be found");
  if (!BOOSTABLE.has(original.audience) && original.accountId !== booster.id) return ignore(c, `a ${original.audience} post cannot be boosted`);
  if (isLocalUri(ctx, original.uri) && !(await canViewStatusRow(ctx, await remoteViewerOf(ctx, booster), original))) {
    return ignore(c, "the booster may not see the post");
  }
  const { row, created } = await storeRemoteReblog(ctx, c.id, booster, original, c.audience, c.published);
  if (!created) return;
  await fanOut(ctx, row);
  await notify(quiet(ctx), { accountId: original.accountId, fromAccountId: booster.id, type: "reblog", statusId: original.id });
}
