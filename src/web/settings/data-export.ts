// /settings/export: download one's own data, as Mastodon's CSV files and the ActivityPub archive.
// The same builders as /api/v1/caracol/export/*; here the signed-in session is the owner.
import type { Context } from "hono";
import type { AppEnv } from "../../mastodon/env.ts";
import type { WebSession } from "../../domain/accounts/sessions.ts";
import { CSV_EXPORTS, exportCsv, isCsvExport } from "../../domain/privacy/export-csv.ts";
import { buildArchive } from "../../federation/account-archive.ts";
import { errorPage, html, page } from "../html.ts";

const LABELS: Record<(typeof CSV_EXPORTS)[number], string> = {
  following_accounts: "Accounts you follow",
  blocked_accounts: "Accounts you block",
  muted_accounts: "Accounts you mute",
  bookmarks: "Bookmarks",
  lists: "Lists",
  blocked_domains: "Blocked domains",
};

export function exportPage(c: Context<AppEnv>, session: WebSession): Response {
  const body = html`
<p>Everything here is yours. The CSV files can be imported by Mastodon and most servers like it.</p>
<ul>${CSV_EXPORTS.map((n) => html`<li><a href="/settings/export/${n}.csv" download>${LABELS[n]}</a> (${n}.csv)</li>`)}</ul>
<p><a href="/settings/export/archive.zip" download>Archive of your posts, likes and bookmarks</a> (archive.zip, ActivityPub JSON, as Mastodon's archive)</p>`;
  return page(c, { title: "Export your data", body, signedInAs: session.username });
}

export async function exportDownload(c: Context<AppEnv>, session: WebSession, file: string): Promise<Response> {
  const headers = (type: string) => ({ "content-type": type, "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" });
  if (file === "archive.zip") {
    const zip = await buildArchive(c.var.ctx, c.var.federation, { kind: "local", accountId: session.accountId, scopes: null });
    return new Response(new Uint8Array(zip), { headers: headers("application/zip") });
  }
  const name = file.replace(/\.csv$/, "");
  if (!file.endsWith(".csv") || !isCsvExport(name)) return errorPage(c, 404, "Not found", "There is no such export.");
  return new Response(await exportCsv(c.var.ctx, session.accountId, name), { headers: headers("text/csv; charset=utf-8") });
}
