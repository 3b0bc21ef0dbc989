// /settings/delete: deleting one's own account for real, after typing the password again. The
// page says what goes, what stays (the username, reserved) and how many servers are told.
import type { Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { authenticate } from "../../domain/accounts/password.ts";
import { deleteAccount, planDeletion } from "../../domain/privacy/delete-account.ts";
import { errorPage, html, page } from "../html.ts";
import { csrfField, endSession, str } from "../session.ts";

export async function deletePage(c: Context<AppEnv>, session: WebSession, error?: string): Promise<Response> {
  const plan = await planDeletion(c.var.ctx, session.username);
  if (!plan) return errorPage(c, 404, "Not found", "This account does not exist.");
  const body = html`
${error ? html`<p class="error" role="alert" id="delete-error">${error}</p>` : ""}
<p>Deleting your account removes, from this server, for good:</p>
<ul>
<li>your ${plan.posts} posts and ${plan.media} media files,</li>
<li>your ${plan.following} follows and ${plan.followers} followers,</li>
<li>your favourites, bookmarks, blocks, mutes, lists, filters, notifications, apps' access, sign-in history and settings.</li>
</ul>
<p>${plan.servers.length} other servers that know you will be asked to delete you too. They usually do, but this server cannot make them.</p>
<p>Your username @${plan.username} stays reserved, so that nobody can take it over. It cannot be undone. <a href="/settings/export">Export your data</a> first if you want to keep it.</p>
<form method="post" action="/settings/delete">
${csrfField(session.csrfToken)}
<label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${error ? html` aria-describedby="delete-error"` : ""}>
<label><input type="checkbox" name="confirm" value="yes" required> I understand that this deletes my account for good</label>
<button type="submit">Delete my account</button>
</form>`;
  return page(c, { title: "Delete your account", body, signedInAs: session.username }, error ? 422 : 200);
}

export async function deleteSubmit(c: Context<AppEnv>, session: WebSession, params: Record<string, unknown>): Promise<Response> {
  if (str(params.confirm) !== "yes") return deletePage(c, session, "Tick the box to confirm.");
  const checked = await authenticate(c.var.ctx, session.username, str(params.password));
  if (!checked.ok || checked.accountId !== session.accountId) return deletePage(c, session, "The password is not right.");
  await deleteAccount(c.var.ctx, session.username);
  await endSession(c);
  return page(c, { title: "Account deleted", body: html`<p>Your account has been deleted.</p>` });
}
