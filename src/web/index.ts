import { Hono } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { pageRoutes } from "./pages.ts";
import { signInRoutes } from "./sign-in.ts";
import { signUpRoutes } from "./sign-up.ts";
import { profileRoutes } from "./profile.ts";
import { settingsRoutes } from "./settings/index.ts";
import { circleRoutes } from "./circles.ts";
import { settingsAppsRoutes } from "./settings-apps.ts";
import { termsRoutes } from "./terms.ts";
import { mediaFileRoutes } from "./media-files.ts";
import { mediaProxyRoutes } from "./media-proxy.ts";

/** Server-rendered pages: sign-in, sign-up, sign-out, about, terms, privacy, profiles. */
export function webRoutes() {
  const app = new Hono<AppEnv>();
  app.route("/", pageRoutes());
  app.route("/", signInRoutes());
  app.route("/", signUpRoutes());
  app.route("/", profileRoutes());
  app.route("/", settingsRoutes());
  app.route("/", circleRoutes());
  app.route("/", settingsAppsRoutes());
  app.route("/", termsRoutes());
  app.route("/", mediaFileRoutes());
  app.route("/", mediaProxyRoutes());
  return app;
}
