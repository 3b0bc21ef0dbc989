// /settings/privacy: every privacy setting of one's own on one page, read and written through
// the same domain functions as GET/PATCH /api/v1/caracol/privacy. Each choice says what
// widening it exposes (DESIGN.md, principle 1).
import type { Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { asc } from "drizzle-orm";
import { AUDIENCES, circles } from "../../db/schema/index.ts";
import { AccountError } from "../../domain/accounts/create.ts";
import { getPrivacySettings, privacyUpdateSchema, updatePrivacySettings, type PrivacySettings } from "../../domain/accounts/privacy-settings.ts";
import { PROFILE_AUDIENCES, PROFILE_PARTS, type ProfilePart } from "../../domain/audience/profile.ts";
import { errorPage, html, page, type SafeHtml } from "../html.ts";
import { csrfField, str } from "../session.ts";

const PART_LABELS: Record<ProfilePart, string> = {
  displayName: "Display name",
  avatar: "Avatar",
  header: "Header image",
  bio: "Bio",
  fields: "Profile fields (pronouns, links, ...)",
  followers: "List of followers",
  following: "List of accounts you follow",
  followersCount: "Follower count",
  followingCount: "Following count",
  statusesCount: "Post count",
  joinDate: "Join date",
  posts: "List of posts",
};

const AUDIENCE_LABELS: Record<string, string> = {
  self: "Only me",
  direct: "Only people mentioned",
  followers: "Approved followers",
  local: "Signed-in people of this server",
  circle: "This server and a circle of servers",
  authenticated: "Anyone signed in here or on a server we federate with",
  unlisted: "Signed-in viewers, kept out of timelines, search and feeds",
  public: "Everyone, the logged-out web, search engines and any server included",
};

const LOGGED_OUT_LABELS: Record<string, string> = {
  all: "Public profile parts and public posts",
  profiles: "Public profile parts, no posts",
  none: "Nothing: sign-in required",
};

function select(name: string, id: string, options: readonly string[], labels: Record<string, string>, current: string): SafeHtml {
  return html`<select id="${id}" name="${name}">${options.map(
    (o) => html`<option value="${o}"${o === current ? html` selected` : ""}>${labels[o] ?? o}</option>`,
  )}</select>`;
}

function checkbox(name: string, checked: boolean, label: string, exposes: string): SafeHtml {
  return html`<label class="check"><input type="checkbox" name="${name}" value="true"${checked ? html` checked` : ""}> <span>${label} <small>${exposes}</small></span></label>`;
}

export type CircleChoice = { id: string; name: string };

export async function circleChoices(c: Context<AppEnv>): Promise<CircleChoice[]> {
  return c.var.ctx.db.select({ id: circles.id, name: circles.name }).from(circles).orderBy(asc(circles.id));
}

export function privacyPage(
  c: Context<AppEnv>,
  session: WebSession,
  s: PrivacySettings,
  circleList: readonly CircleChoice[],
  notice?: { error?: string; saved?: boolean },
  status = 200,
): Response {
  const parts = PROFILE_PARTS.map(
    (part) => html`<label for="part-${part}">${PART_LABELS[part]}</label>${select(`profile_audiences[${part}]`, `part-${part}`, PROFILE_AUDIENCES, AUDIENCE_LABELS, s.profile_audiences[part])}`,
  );
  const body = html`
${notice?.error ? html`<p class="error" role="alert">${notice.error}</p>` : ""}
${notice?.saved ? html`<p class="notice" role="status">Your privacy settings were saved.</p>` : ""}
<p>See the result: <a href="/settings/view_as">your profile as others see it</a>.</p>
<form method="post" action="/settings/privacy">
${csrfField(session.csrfToken)}
<h2>Posts</h2>
<label for="default_audience">Default audience of new posts</label>
${select("default_audience", "default_audience", AUDIENCES, AUDIENCE_LABELS, s.default_audience)}
${circleList.length
    ? html`<label for="default_circle_id">Circle, when the default audience is a circle</label>${select("default_circle_id", "default_circle_id", circleList.map((x) => x.id), Object.fromEntries(circleList.map((x) => [x.id, x.name])), s.default_circle_id ?? "")}`
    : ""}
<p><small>Wider than followers, new posts reach people and servers you have not approved.</small></p>
<h2>Profile</h2>
<p><small>Who sees each part. "Everyone" includes logged-out visitors and scrapers; the social graph (lists and counts) is what harvesters value most.</small></p>
${parts}
${checkbox("private_profile", false, "Make my profile private in one step", "(every part wider than followers becomes followers-only; this overrides the choices above)")}
<h2>Logged-out visitors</h2>
<label for="logged_out_access">What logged-out visitors may see (the server's setting may already be narrower)</label>
${select("logged_out_access", "logged_out_access", ["all", "profiles", "none"], LOGGED_OUT_LABELS, s.logged_out_access)}
<p><small>In effect now: ${LOGGED_OUT_LABELS[s.effective_logged_out_access]}.</small></p>
<label for="feeds">RSS/Atom feed of my public posts</label>
${select("feeds", "feeds", ["off", "on"], { off: "Off", on: "On (public posts only; needs no account to read)" }, s.feeds)}
<h2>Discovery and followers</h2>
${checkbox("locked", s.locked, "Approve new followers", "(off: anyone can follow you and receive your followers-only posts at once)")}
${checkbox("discoverable", s.discoverable, "List me in the directory and suggestions", "(exposes your profile to people browsing for accounts)")}
${checkbox("indexable", s.indexable, "Let search engines index my public posts", "(exposes public posts to search engines and their archives)")}
<button type="submit">Save</button>
</form>`;
  return page(c, { title: "Privacy settings", body, signedInAs: session.username }, status);
}

/** The submitted form as a PATCH /api/v1/caracol/privacy body; unchecked boxes mean false. */
function formToUpdate(params: Record<string, unknown>): Record<string, unknown> {
  // bodyParams reads Rails-style keys: profile_audiences[bio] arrives as { profile_audiences: { bio } }.
  const submitted = params.profile_audiences && typeof params.profile_audiences === "object" ? (params.profile_audiences as Record<string, unknown>) : {};
  const audiences: Record<string, string> = {};
  for (const part of PROFILE_PARTS) {
    const v = str(submitted[part]);
    if (v) audiences[part] = v;
  }
  const update: Record<string, unknown> = {
    profile_audiences: audiences,
    locked: params.locked === "true",
    discoverable: params.discoverable === "true",
    indexable: params.indexable === "true",
  };
  for (const key of ["default_audience", "logged_out_access", "feeds"]) if (str(params[key])) update[key] = str(params[key]);
  // The circle select is always sent; it means something only with the circle audience.
  if (update.default_audience === "circle" && str(params.default_circle_id)) update.default_circle_id = str(params.default_circle_id);
  if (params.private_profile === "true") update.private_profile = true;
  return update;
}

export async function savePrivacy(c: Context<AppEnv>, session: WebSession, params: Record<string, unknown>): Promise<Response> {
  const ctx = c.var.ctx;
  const parsed = privacyUpdateSchema.safeParse(formToUpdate(params));
  let error: string | null = parsed.success ? null : "Some of the values are not valid choices.";
  if (parsed.success) {
    // private_profile narrows every part: the per-part selects, sent along, must not undo it.
    const update = parsed.data.private_profile ? { ...parsed.data, profile_audiences: undefined } : parsed.data;
    try {
      await updatePrivacySettings(ctx, session.accountId, update);
    } catch (e) {
      if (!(e instanceof AccountError)) throw e;
      error = `${e.field.replaceAll("_", " ")} ${e.message}.`;
    }
  }
  const settings = await getPrivacySettings(ctx, session.accountId);
  if (!settings) return errorPage(c, 404, "Not found", "This account has no settings.");
  if (error) return privacyPage(c, session, settings, await circleChoices(c), { error }, 422);
  return c.redirect("/settings/privacy?saved=1", 303);
}
