// NodeInfo 2.1 and 2.0, and host-meta. Usage numbers are withheld: instance statistics are
// the first index harvesters build of which servers are worth scraping (docs/PRIVACY.md).
// The metadata states our federation policy (published-policy.ts): Caracol's `caracol` field,
// and Akkoma/Pleroma's `federation` and `localBubbleInstances`, which crawlers already read.
import { Hono } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import type { Ctx } from "../domain/context.ts";
import { CARACOL_VERSION, MASTODON_COMPAT, SOURCE_URL } from "../lib/version.ts";
import { getSetting } from "../domain/instance/settings.ts";
import { publishedFederationMetadata } from "../domain/federation-policy/published-policy.ts";

async function nodeInfo(ctx: Ctx, version: "2.0" | "2.1") {
  const software: Record<string, string> = { name: "caracol", version: CARACOL_VERSION };
  if (version === "2.1") {
    software.repository = SOURCE_URL;
    software.homepage = SOURCE_URL;
  }
  const { caracol, federation, localBubbleInstances } = await publishedFederationMetadata(ctx);
  return {
    version,
    software,
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    openRegistrations: ctx.config.registrations !== "closed",
    usage: { users: {} },
    metadata: {
      nodeName: ctx.config.instanceName,
      nodeDescription: await getSetting(ctx, "description"),
      // Client libraries that pick an API dialect from NodeInfo look for these.
      features: ["mastodon_api"],
      compatibility: { mastodon_api: MASTODON_COMPAT },
      federation,
      localBubbleInstances,
      caracol,
    },
  };
}

export function nodeInfoRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/.well-known/nodeinfo", (c) => {
    const o = c.var.ctx.config.origin;
    return c.json({
      links: [
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${o}/nodeinfo/2.1` },
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${o}/nodeinfo/2.0` },
      ],
    });
  });
  for (const v of ["2.0", "2.1"] as const) {
    app.get(`/nodeinfo/${v}`, async (c) =>
      c.json(await nodeInfo(c.var.ctx, v), 200, {
        "content-type": `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${v}#"`,
        "access-control-allow-origin": "*",
      }),
    );
  }
  app.get("/.well-known/host-meta", (c) => {
    const o = c.var.ctx.config.origin;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${o}/.well-known/webfinger?resource={uri}"/>\n</XRD>\n`;
    return c.body(xml, 200, { "content-type": "application/xrd+xml; charset=utf-8" });
  });
  return app;
}
