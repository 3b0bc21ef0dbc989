// Editing one's own post: the text, content warning, sensitivity and language may change, the
// audience may not. The version being replaced is kept in status_edits for the history.
import { and, eq, inArray } from "drizzle-orm";
import { follows, mentions, statusEdits, statuses, type Audience } from "../../db/schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { Ctx } from "../context.ts";
import { isId, newId } from "../../lib/id.ts";
import { notify } from "../notifications/notify.ts";
import { formatStatusText } from "./format.ts";
import { setStatusMentions, setStatusTags } from "./content.ts";
import { checkLength, normalizeLanguage, type StatusRow } from "./create.ts";
import { forbiddenError, invalid, notFoundError } from "./errors.ts";

export type StatusChanges = {
  text?: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
};

// In these audiences a mention is what lets someone see the post: adding one by editing would
// widen the audience after the fact, so edits may drop recipients but never add them.
const MENTION_GRANTS_ACCESS: ReadonlySet<Audience> = new Set(["direct", "followers"]);

export async function ownStatus(ctx: Ctx, accountId: string, id: string): Promise<StatusRow> {
  if (!isId(id)) throw notFoundError();
  const [row] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.id, id), eq(statuses.accountId, accountId)));
  if (!row) throw notFoundError();
  return row;
}

export async function editStatus(ctx: Ctx, accountId: string, id: string, changes: StatusChanges): Promise<StatusRow> {
  const current = await ownStatus(ctx, accountId, id);
  if (current.reblogOfId) throw forbiddenError("Boosts cannot be edited");
  const text = changes.text ?? current.text;
  const spoilerText = changes.spoilerText ?? current.spoilerText;
  if (text.trim() === "") throw invalid("Text can't be blank");
  checkLength(ctx, text, spoilerText);
  const language = normalizeLanguage(changes.language);
  const sensitive = (changes.sensitive ?? current.sensitive) || spoilerText.trim() !== "";
  const nextLanguage = language === undefined ? current.language : language;
  if (text === current.text && spoilerText === current.spoilerText && sensitive === current.sensitive && nextLanguage === current.language) {
    return current;
  }

  const formatted = await formatStatusText(ctx, text);
  let mentionIds = formatted.mentionedAccountIds;
  if (MENTION_GRANTS_ACCESS.has(current.audience) && mentionIds.length) {
    const allowed = new Set((await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, id))).map((r) => r.id));
    if (current.audience === "followers") {
      // followers could see the post anyway, so mentioning one of them widens nothing
      const followerRows = await ctx.db
        .select({ id: follows.accountId })
        .from(follows)
        .where(and(eq(follows.targetAccountId, accountId), inArray(follows.accountId, mentionIds)));
      for (const r of followerRows) allowed.add(r.id);
    }
    mentionIds = mentionIds.filter((m) => allowed.has(m));
  }
  const now = new Date();
  let added: string[] = [];
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await db.insert(statusEdits).values({
      id: newId(),
      statusId: id,
      content: current.content,
      text: current.text,
      spoilerText: current.spoilerText,
      sensitive: current.sensitive,
      // when this version came to be: the post's creation, or its previous edit
      createdAt: current.editedAt ?? current.createdAt,
    });
    await db
      .update(statuses)
      .set({ content: formatted.html, text, spoilerText, sensitive, language: nextLanguage, editedAt: now })
      .where(eq(statuses.id, id));
    added = await setStatusMentions(db, id, mentionIds);
    await setStatusTags(db, id, formatted.tags);
  });

  const boosters = await ctx.db.select({ accountId: statuses.accountId }).from(statuses).where(eq(statuses.reblogOfId, id));
  for (const b of boosters) await notify(ctx, { accountId: b.accountId, fromAccountId: accountId, type: "update", statusId: id });
  for (const m of added) await notify(ctx, { accountId: m, fromAccountId: accountId, type: "mention", statusId: id });
  await ctx.events.emit({ type: "status.updated", statusId: id });
  return ownStatus(ctx, accountId, id);
}

/** Earlier versions, oldest first, then the current one. */
export async function statusVersions(ctx: Ctx, status: StatusRow) {
  const earlier = await ctx.db.select().from(statusEdits).where(eq(statusEdits.statusId, status.id)).orderBy(statusEdits.id);
  return [
    ...earlier.map((e) => ({ content: e.content, spoilerText: e.spoilerText, sensitive: e.sensitive, createdAt: e.createdAt })),
    { content: status.content, spoilerText: status.spoilerText, sensitive: status.sensitive, createdAt: status.editedAt ?? status.createdAt },
  ];
}
