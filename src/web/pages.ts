// The home page and the about page (terms and privacy: terms.ts). These stay public whatever the
// logged-out access setting says: people must be able to read the rules before they join.
import { Hono, type Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { getSetting } from "../domain/instance/settings.ts";
import { html, page, type SafeHtml } from "./html.ts";
import { csrfField, currentSession } from "./session.ts";

const REGISTRATION_WORDS = {
  open: "Anyone may sign up.",
  approval: "Anyone may ask to join; the moderators review every sign-up.",
  closed: "Sign-ups are closed.",
} as const;

async function simplePage(c: Context<AppEnv>, title: string, body: SafeHtml) {
  const session = await currentSession(c);
  return page(c, { title, body, signedInAs: session?.username });
}

export function pageRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => {
    const { config } = c.var.ctx;
    const [session, description] = await Promise.all([currentSession(c), getSetting(c.var.ctx, "description")]);
    const account = session
      ? html`<p>You are signed in as @${session.username}. Use any Mastodon app with the address <code>${config.domain}</code>.</p>
<form method="post" action="/auth/sign_out">${csrfField(session.csrfToken)}<button type="submit" class="secondary">Sign out</button></form>`
      : html`<p><a href="/auth/sign_in">Sign in</a>${config.registrations !== "closed" ? html` or <a href="/auth/sign_up">sign up</a>` : ""}.</p>`;
    const body = html`<p>${description}</p>
${account}
<ul><li><a href="/about">About this server</a></li><li><a href="/terms">Terms of service</a></li><li><a href="/privacy">Privacy policy</a></li></ul>`;
    return page(c, { title: config.instanceName, body, signedInAs: session?.username });
  });

  app.get("/about", async (c) => {
    const { config } = c.var.ctx;
    const [description, contactEmail, rules] = await Promise.all([
      getSetting(c.var.ctx, "description"),
      getSetting(c.var.ctx, "contactEmail"),
      getSetting(c.var.ctx, "rules"),
    ]);
    const body = html`<p>${description}</p>
<p>${config.instanceName} (<code>${config.domain}</code>) runs Caracol, a fediverse server that keeps what you share private unless you choose otherwise.</p>
<h2>Sign-ups</h2><p>${REGISTRATION_WORDS[config.registrations]}</p>
${rules.length ? html`<h2>Rules</h2><ol>${rules.map((r) => html`<li>${r}</li>`)}</ol>` : ""}
${contactEmail ? html`<h2>Contact</h2><p>${contactEmail}</p>` : ""}`;
    return simplePage(c, `About ${config.instanceName}`, body);
  });

  return app;
}
