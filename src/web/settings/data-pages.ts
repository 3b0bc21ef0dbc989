// The routes of one's own data: sessions and sign-ins, export, deletion.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { readForm } from "../session.ts";
import { endSessionOrToken, sessionsPage } from "./data-sessions.ts";
import { exportDownload, exportPage } from "./data-export.ts";
import { deletePage, deleteSubmit } from "./data-delete.ts";

type SignedIn = (c: Context<AppEnv>) => Promise<WebSession | Response>;

export function registerDataPages(app: Hono<AppEnv>, signedIn: SignedIn): void {
  const posted = async (c: Context<AppEnv>, path: string) => {
    const form = await readForm(c);
    if (form instanceof Response) return form;
    if (!form.session) return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(path)}`, 303);
    return { session: form.session, params: form.params };
  };

  app.get("/settings/sessions", async (c) => {
    const session = await signedIn(c);
    if (session instanceof Response) return session;
    return sessionsPage(c, session, c.req.query("ended") === "1" ? "Ended." : undefined);
  });
  app.post("/settings/sessions/end", async (c) => {
    const f = await posted(c, "/settings/sessions");
    return f instanceof Response ? f : endSessionOrToken(c, f.session, f.params);
  });

  app.get("/settings/export", async (c) => {
    const session = await signedIn(c);
    return session instanceof Response ? session : exportPage(c, session);
  });
  app.get("/settings/export/:file", async (c) => {
    const session = await signedIn(c);
    return session instanceof Response ? session : exportDownload(c, session, c.req.param("file"));
  });

  app.get("/settings/delete", async (c) => {
    const session = await signedIn(c);
    return session instanceof Response ? session : deletePage(c, session);
  });
  app.post("/settings/delete", async (c) => {
    const f = await posted(c, "/settings/delete");
    return f instanceof Response ? f : deleteSubmit(c, f.session, f.params);
  });
}
