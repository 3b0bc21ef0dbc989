// The Mastodon client API: every /api route runs behind the bearer-token middleware.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { bearerAuth } from "../auth.ts";
import { instanceRoutes } from "./instance.ts";
import { appsRoutes } from "./apps.ts";
import { accountsRoutes } from "./accounts.ts";
import { followrequestsRoutes } from "./follow_requests.ts";
import { statusesRoutes } from "./statuses.ts";
import { timelinesRoutes } from "./timelines.ts";
import { notificationsRoutes } from "./notifications.ts";
import { markersRoutes } from "./markers.ts";
import { listsRoutes } from "./lists.ts";
import { filtersRoutes } from "./filters.ts";
import { searchRoutes } from "./search.ts";
import { miscRoutes } from "./misc.ts";
import { registrationsRoutes } from "./registrations.ts";
import { adminRoutes } from "./admin.ts";
import { oauthRoutes } from "../oauth/routes.ts";
import { oembedRoutes } from "./oembed.ts";
import { caracolRoutes } from "./caracol.ts";

export function mastodonApi() {
  const app = new Hono<AppEnv>();
  app.use("/api/*", bearerAuth);
  app.route("/", oauthRoutes());
  for (const sub of [
    instanceRoutes,
    appsRoutes,
    accountsRoutes,
    followrequestsRoutes,
    statusesRoutes,
    timelinesRoutes,
    notificationsRoutes,
    markersRoutes,
    listsRoutes,
    filtersRoutes,
    searchRoutes,
    miscRoutes,
    registrationsRoutes,
    adminRoutes,
    caracolRoutes,
    oembedRoutes,
  ]) {
    app.route("/api", sub());
  }
  return app;
}
