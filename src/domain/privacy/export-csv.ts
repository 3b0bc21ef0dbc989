// The CSV exports, in the formats Mastodon writes and reads back on import (Settings > Import),
// so a person can take their follows, blocks, mutes, bookmarks and lists elsewhere.
import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { accounts, blocks, bookmarks, follows, listAccounts, lists, mutes, statuses } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";

export const CSV_EXPORTS = ["following_accounts", "blocked_accounts", "muted_accounts", "bookmarks", "lists", "blocked_domains"] as const;
export type CsvExport = (typeof CSV_EXPORTS)[number];

export const isCsvExport = (name: string): name is CsvExport => (CSV_EXPORTS as readonly string[]).includes(name);

/** RFC 4180 quoting, as Ruby's CSV writes it: only fields that need it are quoted. */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function toCsv(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  return all.map((r) => r.map(field).join(",") + "\n").join("");
}

/** Parses what toCsv (or Mastodon) writes; used by the tests and by anything importing. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cur), (cur = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cur), rows.push(row), (row = []), (cur = "");
    } else cur += ch;
  }
  if (cur || row.length) row.push(cur), rows.push(row);
  return rows;
}

const target = alias(accounts, "target");

export async function exportCsv(ctx: Ctx, accountId: string, name: CsvExport): Promise<string> {
  const acct = (r: { username: string; domain: string | null }) => `${r.username}@${r.domain ?? ctx.config.domain}`;
  const db = ctx.db;
  switch (name) {
    case "following_accounts": {
      const rows = await db
        .select({ username: target.username, domain: target.domain, showReblogs: follows.showReblogs, notify: follows.notify, languages: follows.languages })
        .from(follows)
        .innerJoin(target, eq(target.id, follows.targetAccountId))
        .where(eq(follows.accountId, accountId))
        .orderBy(desc(follows.id));
      return toCsv(
        rows.map((r) => [acct(r), String(r.showReblogs), String(r.notify), (r.languages ?? []).join(", ")]),
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
      );
    }
    case "blocked_accounts": {
      const rows = await db.select({ username: target.username, domain: target.domain }).from(blocks).innerJoin(target, eq(target.id, blocks.targetAccountId)).where(eq(blocks.accountId, accountId)).orderBy(desc(blocks.id));
      return toCsv(rows.map((r) => [acct(r)]));
    }
    case "muted_accounts": {
      const rows = await db
        .select({ username: target.username, domain: target.domain, hide: mutes.hideNotifications })
        .from(mutes)
        .innerJoin(target, eq(target.id, mutes.targetAccountId))
        .where(eq(mutes.accountId, accountId))
        .orderBy(desc(mutes.id));
      return toCsv(rows.map((r) => [acct(r), String(r.hide)]), ["Account address", "Hide notifications"]);
    }
    case "bookmarks": {
      const rows = await db.select({ uri: statuses.uri }).from(bookmarks).innerJoin(statuses, eq(statuses.id, bookmarks.statusId)).where(eq(bookmarks.accountId, accountId)).orderBy(desc(bookmarks.id));
      return toCsv(rows.map((r) => [r.uri]));
    }
    case "lists": {
      const rows = await db
        .select({ title: lists.title, username: target.username, domain: target.domain })
        .from(lists)
        .innerJoin(listAccounts, eq(listAccounts.listId, lists.id))
        .innerJoin(target, eq(target.id, listAccounts.accountId))
        .where(and(eq(lists.accountId, accountId)))
        .orderBy(lists.id);
      return toCsv(rows.map((r) => [r.title, acct(r)]));
    }
    case "blocked_domains":
      // Caracol has no per-person domain blocks yet (only the instance's): the file is empty,
      // which Mastodon imports as "nothing to block".
      return "";
  }
}
