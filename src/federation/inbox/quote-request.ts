// FEP-044f quote requests. Caracol has no quote posts: it never issues a QuoteAuthorization (so
// there is none to revoke), and every QuoteRequest for one of our posts is answered with Reject,
// whatever the post's audience or the requester's standing. Quoting puts someone's words in
// front of an audience they did not choose; until quotes can be consented to per post (and
// withheld from servers that federate with a domain we suspend, as consent-aware delivery
// does), refusing is the protective answer. Servers we do not exchange data with (suspended,
// awaiting approval) get no answer at all, as with every other refusal to them.
import { QuoteRequest, Reject } from "@fedify/vocab";
import { and, eq, isNull } from "drizzle-orm";
import { accounts, statuses } from "../../db/schema/index.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { newId } from "../../lib/id.ts";
import { exchangesWith, inboxAllowed } from "../outbox/recipients.ts";
import { resolveRemoteAccount } from "../resolve.ts";
import { logger, type InboxCtx } from "./common.ts";
import { recipientOf } from "./reply.ts";

export async function onQuoteRequest(ictx: InboxCtx, activity: QuoteRequest): Promise<void> {
  const ctx = ictx.data;
  const id = activity.id;
  const actor = activity.actorId;
  const object = activity.objectId;
  const skip = (why: string) => logger.info("Ignored QuoteRequest {id}: {why}", { id: id?.href ?? "(no id)", why });
  if (!id || !actor || !object) return skip("no id, actor or object");
  if (id.host !== actor.host) return skip("the id and the actor are on different hosts");
  if (!exchangesWith(await serverStanding(ctx, actor.host))) return skip("we do not exchange data with the requester's server");
  const [post] = await ctx.db
    .select({ uri: statuses.uri, author: accounts.uri, username: accounts.username })
    .from(statuses)
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    .where(and(eq(statuses.uri, object.href), isNull(accounts.domain)));
  if (!post) return skip("not one of our posts");
  const requester = await resolveRemoteAccount(ictx, actor.href);
  if (!requester?.inboxUrl || requester.suspendedAt) return skip("the requester could not be resolved");
  for (const u of [requester.inboxUrl, requester.sharedInboxUrl]) if (u && !(await inboxAllowed(ctx, new URL(u)))) return skip("the requester's inbox is not on a public address");
  const reject = new Reject({
    id: new URL(`${post.author}#quote-rejects/${newId()}`),
    actor: new URL(post.author),
    object: new QuoteRequest({ id, actor, object, instrument: activity.instrumentId }),
    to: actor,
  });
  await ictx.sendActivity({ identifier: post.username }, recipientOf(requester), reject);
  logger.info("Refused QuoteRequest {id} for {post}: quotes are not supported", { id: id.href, post: post.uri });
}
