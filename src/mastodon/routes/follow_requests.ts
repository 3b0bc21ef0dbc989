// Follow requests to my (locked) account: list, authorize, reject.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { authorizeFollowRequest, followRequestPage, rejectFollowRequest } from "../../domain/follows/requests.ts";
import { serializeRelationship } from "../entities/relationship.ts";
import { requireUser } from "../auth.ts";
import { parsePage } from "../pagination.ts";
import { accountPage, act } from "../account-routes-helpers.ts";
import { serverNoticesFor } from "../../domain/federation-policy/transitive-servers.ts";

export function followrequestsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/follow_requests", async (c) => {
    const { accountId, viewer } = requireUser(c, "read:follows");
    const rows = await followRequestPage(c.var.ctx, accountId, parsePage(c, 40, 80));
    // Why posts will not (all) reach this requester, when their server is held back (an
    // extension field; Account allows additional properties).
    const notices = await serverNoticesFor(c.var.ctx, rows.map((r) => r.account.id));
    return c.json(await accountPage(c, viewer, rows, (r, a) => Object.assign(a, { caracol_server_notice: notices.get(r.account.id) ?? null })));
  });

  // No visibility check on the requester: a pending request to me is mine to answer, and an
  // unknown or withdrawn one is 404 all the same.
  app.post("/v1/follow_requests/:account_id{[0-9]+}/authorize", async (c) => {
    const { accountId } = requireUser(c, "write:follows");
    const requester = c.req.param("account_id");
    await act(() => authorizeFollowRequest(c.var.ctx, accountId, requester));
    return c.json(await serializeRelationship(c.var.ctx, accountId, requester));
  });

  app.post("/v1/follow_requests/:account_id{[0-9]+}/reject", async (c) => {
    const { accountId } = requireUser(c, "write:follows");
    const requester = c.req.param("account_id");
    await act(() => rejectFollowRequest(c.var.ctx, accountId, requester));
    return c.json(await serializeRelationship(c.var.ctx, accountId, requester));
  });

  return app;
}
