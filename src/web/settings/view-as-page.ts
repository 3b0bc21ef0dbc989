// /settings/view_as: one's own profile and posts as each kind of viewer gets them, rendered
// from renderViewAs, the same code (and gate) that answers those viewers for real.
import type { Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { REMOTE_VIEW_AS_KINDS, VIEW_AS_KINDS, VIEW_AS_LABELS, ViewAsError, type ViewAsKind } from "../../domain/audience/view-as.ts";
import { renderViewAs, type ActivityPubView, type ViewAs } from "../../mastodon/view-as-render.ts";
import type { MastodonAccount } from "../../mastodon/entities/account.ts";
import { html, page, SafeHtml } from "../html.ts";

/** Bios, field values and post content are stored sanitised, so they go in as they are. */
const rawHtml = (s: unknown): SafeHtml => new SafeHtml(typeof s === "string" ? s : "");

function accountHtml(a: MastodonAccount | null): SafeHtml {
  if (!a) return html`<p class="notice">Your profile does not exist for them (not found).</p>`;
  const counts = [
    html`<li>${a.statuses_count} posts</li>`,
    html`<li>${a.followers_count} followers</li>`,
    html`<li>${a.following_count} following</li>`,
  ];
  return html`<section class="profile">
<p><strong>${a.display_name || a.username}</strong> @${a.acct}</p>
${a.note ? html`<div class="bio">${rawHtml(a.note)}</div>` : html`<p><small>No bio shown.</small></p>`}
${a.fields.length ? html`<dl class="fields">${a.fields.map((f) => html`<dt>${f.name}</dt><dd>${rawHtml(f.value)}</dd>`)}</dl>` : html`<p><small>No profile fields shown.</small></p>`}
<ul class="counts">${counts}</ul>
<p><small>Counts of 0 may be hidden counts: they are shown as 0 to those who may not see them.</small></p>
</section>`;
}

function postsHtml(v: ViewAs): SafeHtml {
  if (v.statuses === null) return html`<p class="notice">Such an app may not read posts at all.</p>`;
  if (!v.statuses.length) return html`<p>No posts shown.</p>`;
  return html`${v.statuses.map((s) => html`<article class="post"><p><small>${s.caracol?.audience ?? s.visibility} · ${s.created_at.slice(0, 10)}</small></p>${rawHtml((s.reblog ?? s).content)}</article>`)}`;
}

function activityPubHtml(ap: ActivityPubView): SafeHtml {
  if (!ap.actor) return html`<p class="notice">Refused: this server may fetch nothing from here.</p>`;
  const a = ap.actor;
  return html`<section class="activitypub">
<p>Actor document: <strong>${typeof a.name === "string" && a.name ? a.name : "(no display name)"}</strong></p>
${typeof a.summary === "string" && a.summary ? html`<div class="bio">${rawHtml(a.summary)}</div>` : html`<p><small>No bio shown.</small></p>`}
<p>${ap.notes.length} posts can be fetched:</p>
${ap.notes.map((n) => html`<article class="post">${rawHtml(n.content)}</article>`)}
</section>`;
}

export async function viewAsPage(c: Context<AppEnv>, session: WebSession): Promise<Response> {
  const asked = c.req.query("as") ?? "anonymous";
  const kind: ViewAsKind = (VIEW_AS_KINDS as readonly string[]).includes(asked) ? (asked as ViewAsKind) : "anonymous";
  const nav = html`<nav aria-label="Viewer"><ul>${VIEW_AS_KINDS.map((k) =>
    k === kind ? html`<li aria-current="page"><strong>${VIEW_AS_LABELS[k]}</strong></li>` : html`<li><a href="/settings/view_as?as=${k}">${VIEW_AS_LABELS[k]}</a></li>`,
  )}</ul></nav>`;
  let result: SafeHtml;
  try {
    const v = await renderViewAs(c.var.ctx, c.var.federation, session.accountId, kind);
    const remote = REMOTE_VIEW_AS_KINDS.has(kind);
    result = html`<h2>${remote ? "What a person on that server is shown (preview)" : "Through this server's web, API and apps"}</h2>${accountHtml(v.account)}<h3>Posts</h3>${postsHtml(v)}
${remote && v.activitypub ? html`<h2>Through ActivityPub (a signed fetch by that server)</h2>${activityPubHtml(v.activitypub)}` : ""}`;
  } catch (e) {
    if (!(e instanceof ViewAsError)) throw e;
    result = html`<p class="notice">${e.message}.</p>`;
  }
  const body = html`${nav}<p>Viewing as: <strong id="viewing-as">${VIEW_AS_LABELS[kind]}</strong>. <a href="/settings/privacy">Privacy settings</a></p>${result}`;
  return page(c, { title: "Your profile as others see it", body, signedInAs: session.username });
}
