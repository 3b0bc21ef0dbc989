// Settings pages for signed-in people. Logged-out visitors are sent to sign in and back.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { getPrivacySettings } from "../../domain/accounts/privacy-settings.ts";
import { errorPage } from "../html.ts";
import { currentSession, readForm } from "../session.ts";
import { circleChoices, privacyPage, savePrivacy } from "./privacy-page.ts";
import { viewAsPage } from "./view-as-page.ts";
import { registerDataPages } from "./data-pages.ts";

async function signedIn(c: Context<AppEnv>): Promise<WebSession | Response> {
  const session = await currentSession(c);
  if (session) return session;
  const returnTo = c.req.path + (new URL(c.req.url).search || "");
  return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(returnTo)}`, 303);
}

export function settingsRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/settings/privacy", async (c) => {
    const session = await signedIn(c);
    if (session instanceof Response) return session;
    const settings = await getPrivacySettings(c.var.ctx, session.accountId);
    if (!settings) return errorPage(c, 404, "Not found", "This account has no settings.");
    return privacyPage(c, session, settings, await circleChoices(c), { saved: c.req.query("saved") === "1" });
  });

  app.post("/settings/privacy", async (c) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    if (!form.session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent("/settings/privacy")}`, 303);
    return savePrivacy(c, form.session, form.params);
  });

  app.get("/settings/view_as", async (c) => {
    const session = await signedIn(c);
    if (session instanceof Response) return session;
    return viewAsPage(c, session);
  });

  registerDataPages(app, signedIn);

  return app;
}
