// GET /api/v1/instance/peers and /api/v1/instance/domain_blocks, answered as the admin chose
// (settings peersVisibility and domainBlocksVisibility): none (the default) -> 404 for everyone;
// users -> 401 without the token of a local account; all -> anyone. Both lists tell harvesters
// where to look next, which is why neither is public by default (docs/PRIVACY.md).
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.ts";
import { getSetting } from "../../domain/instance/settings.ts";
import { knownPeers } from "../../domain/federation-policy/peers.ts";
import { publicDomainRules } from "../../domain/federation-policy/public-rules.ts";
import { notFound, unauthorized } from "../errors.ts";

async function allow(c: Context<AppEnv>, key: "peersVisibility" | "domainBlocksVisibility"): Promise<void> {
  const visibility = await getSetting(c.var.ctx, key);
  if (visibility === "none") throw notFound();
  if (visibility === "users" && !c.var.token?.accountId) throw unauthorized("This method requires an authenticated user");
}

export function instancePolicyRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/instance/peers", async (c) => {
    await allow(c, "peersVisibility");
    return c.json(await knownPeers(c.var.ctx));
  });

  app.get("/v1/instance/domain_blocks", async (c) => {
    await allow(c, "domainBlocksVisibility");
    return c.json(await publicDomainRules(c.var.ctx));
  });

  return app;
}
