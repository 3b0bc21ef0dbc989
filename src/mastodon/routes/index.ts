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
import { adminDomainBlocksRoutes } from "./admin-domain-blocks.ts";
import { adminRelaysRoutes } from "./admin-relays.ts";
import { adminDomainAllowsRoutes } from "./admin-domain-allows.ts";
import { adminServersRoutes } from "./admin-servers.ts";
import { introductionRoutes } from "./introduction.ts";
import { adminTransitiveRoutes } from "./admin-transitive.ts";
import { adminListsRoutes } from "./admin-lists.ts";
import { instancePolicyRoutes } from "./instance-policy.ts";
import { oauthRoutes } from "../oauth/routes.ts";
import { oembedRoutes } from "./oembed.ts";
import { caracolRoutes } from "./caracol.ts";
import { adminAppsRoutes } from "./admin-apps.ts";
import { authorizedAppsRoutes } from "./authorized-apps.ts";
import { termsApiRoutes } from "./terms.ts";
import { adminIpBlocksRoutes } from "./admin-ip-blocks.ts";
import { adminAlertsRoutes } from "./admin-alerts.ts";
import { mediaRoutes } from "./media.ts";
import { integrationsRoutes } from "./integrations.ts";
import { accountDataRoutes } from "./account-data.ts";

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
    adminDomainBlocksRoutes,
    adminRelaysRoutes,
    adminDomainAllowsRoutes,
    adminServersRoutes,
    introductionRoutes,
    adminTransitiveRoutes,
    adminListsRoutes,
    instancePolicyRoutes,
    caracolRoutes,
    adminAppsRoutes,
    authorizedAppsRoutes,
    termsApiRoutes,
    adminIpBlocksRoutes,
    adminAlertsRoutes,
    oembedRoutes,
    accountDataRoutes,
    integrationsRoutes,
    mediaRoutes,
  ]) {
    app.route("/api", sub());
  }
  return app;
}
