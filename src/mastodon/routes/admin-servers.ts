// Caracol's admin API for approval-first federation (an extension; Mastodon has no such thing):
//
// GET  /api/v1/caracol/admin/pending_servers                   (admin:read)
//   Servers awaiting approval, then rejected ones: [{ domain, state: "pending"|"rejected",
//   first_seen_at, decided_at, introduction: {text, contact, fetched_at}|null,
//   held_activities_count, targets: [{id, username}] }]; targets are the local accounts its
//   held activities tried to reach (addressed, mentioned, followed, replied to).
// POST /api/v1/caracol/admin/pending_servers/:domain/approve   (admin:write)
//   Allows the server (domain_allows) and processes what it sent, in arrival order. Answers
//   { domain, state: "approved", replayed: N }.
// POST /api/v1/caracol/admin/pending_servers/:domain/reject    (admin:write)
//   Rejects it: its held activities are deleted, nothing more is accepted from it or sent to it,
//   and it is not told. Answers { domain, state: "rejected", dropped: N }.
// Admins only; a malformed domain is a 422, approving a server that is not under review a 404;
// rejecting works for any server (also one never seen, or one on the allow-list).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { DomainError, parseDomain } from "../../domain/federation-policy/allows.ts";
import { approveServer, rejectServer, serversUnderReview, type ServerUnderReview } from "../../domain/federation-policy/approval.ts";
import { replayThroughInbox } from "../../federation/inbox/hold.ts";

function pendingServer(s: ServerUnderReview) {
  return {
    domain: s.domain,
    state: s.state,
    first_seen_at: s.firstSeenAt.toISOString(),
    decided_at: s.decidedAt?.toISOString() ?? null,
    introduction: s.introduction ? { text: s.introduction, contact: s.introductionContact ?? "", fetched_at: s.introductionAt?.toISOString() ?? null } : null,
    held_activities_count: s.heldCount,
    targets: s.targets,
  };
}

function domainParam(c: Context<AppEnv>): string {
  try {
    return parseDomain(decodeURIComponent(c.req.param("domain") ?? ""));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    throw unprocessable(e.message, { domain: [{ error: "ERR_INVALID", description: e.message }] });
  }
}

export function adminServersRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/caracol/admin/pending_servers", async (c) => {
    await requireAdmin(c, "admin:read");
    return c.json((await serversUnderReview(c.var.ctx)).map(pendingServer));
  });

  app.post("/v1/caracol/admin/pending_servers/:domain/approve", async (c) => {
    await requireAdmin(c, "admin:write");
    const domain = domainParam(c);
    const [review] = await serversUnderReview(c.var.ctx, domain);
    if (!review) throw notFound();
    const { replayed } = await approveServer(c.var.ctx, domain, replayThroughInbox);
    return c.json({ domain, state: "approved", replayed });
  });

  app.post("/v1/caracol/admin/pending_servers/:domain/reject", async (c) => {
    await requireAdmin(c, "admin:write");
    const domain = domainParam(c);
    const { dropped } = await rejectServer(c.var.ctx, domain);
    return c.json({ domain, state: "rejected", dropped });
  });

  return app;
}
