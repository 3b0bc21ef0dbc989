// The account archive, laid out as Mastodon's: actor.json, outbox.json (the person's own posts
// as Create activities, built by the same converter as federation), likes.json and
// bookmarks.json, and the person's own local media files (under media/<key>/<file>, the path
// of their URL here), zipped. Only ever built for the account's owner.
import { readFile } from "node:fs/promises";
import { Create, OrderedCollection } from "@fedify/vocab";
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, or } from "drizzle-orm";
import { accounts, bookmarks, favourites, mediaAttachments, statuses } from "../db/schema/index.ts";
import { isMediaFileName, mediaFilePath } from "../domain/media/storage.ts";
import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import { filterVisibleStatuses } from "../domain/audience/facts.ts";

type LocalViewer = Extract<Viewer, { kind: "local" }>;
import { writeZip, type ZipEntry } from "../domain/privacy/zip.ts";
import type { CaracolFederation } from "./federation.ts";
import { localActor } from "./actor.ts";
import { statusToNote } from "./note.ts";

/**
 * `owner` is the account's owner as the request shows them (a narrowed token included): their
 * own posts go through the gate like any read, so a token without direct messages gets none.
 */
export async function buildArchive(ctx: Ctx, federation: CaracolFederation, owner: LocalViewer): Promise<Buffer> {
  const accountId = owner.accountId;
  const [account] = await ctx.db.select().from(accounts).where(and(eq(accounts.id, accountId), isNull(accounts.domain)));
  if (!account) throw new Error("the archive is only built for local accounts");
  const fctx = federation.createContext(new Request(new URL(`/users/${account.username}`, ctx.config.origin)), ctx);
  const actor = await localActor(fctx, account, owner);

  const own = await filterVisibleStatuses(
    ctx,
    owner,
    await ctx.db.select().from(statuses).where(and(eq(statuses.accountId, accountId), isNull(statuses.reblogOfId))).orderBy(asc(statuses.id)),
  );
  const creates = [];
  for (const s of own) {
    // Posts that never federate (local-only, or a circle that is gone) have no addressing of
    // their own; in the archive they are addressed to the followers, the nearest federated form.
    const note = (await statusToNote(fctx, s, account.username)) ?? (await statusToNote(fctx, { ...s, audience: "followers", localOnly: false }, account.username));
    if (!note) continue;
    creates.push(
      new Create({
        id: new URL(`${s.uri}/activity`),
        actor: fctx.getActorUri(account.username),
        published: note.published,
        tos: note.toIds,
        ccs: note.ccIds,
        object: note,
      }),
    );
  }
  const outbox = new OrderedCollection({ id: new URL("outbox.json", ctx.config.origin), totalItems: creates.length, items: creates });

  const uris = async (table: typeof favourites | typeof bookmarks) =>
    (await ctx.db.select({ uri: statuses.uri }).from(table).innerJoin(statuses, eq(statuses.id, table.statusId)).where(eq(table.accountId, accountId)).orderBy(desc(table.id))).map((r) => r.uri);
  const collection = (name: string, items: string[]) => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${name}.json`,
    type: "OrderedCollection",
    totalItems: items.length,
    orderedItems: items,
  });

  const json = (v: unknown) => JSON.stringify(v, null, 2);
  const entries: ZipEntry[] = [
    { name: "actor.json", data: json(await actor.toJsonLd({ format: "compact", contextLoader: fctx.contextLoader })) },
    { name: "outbox.json", data: json(await outbox.toJsonLd({ format: "compact", contextLoader: fctx.contextLoader })) },
    { name: "likes.json", data: json(collection("likes", await uris(favourites))) },
    { name: "bookmarks.json", data: json(collection("bookmarks", await uris(bookmarks))) },
    ...(await mediaEntries(ctx, accountId, own.map((s) => s.id))),
  ];
  return writeZip(entries);
}

/** The files of the person's own media: of the posts in the archive, and their avatar and header. */
async function mediaEntries(ctx: Ctx, accountId: string, statusIds: string[]): Promise<ZipEntry[]> {
  const rows = await ctx.db
    .select({ key: mediaAttachments.storageKey, url: mediaAttachments.url, previewUrl: mediaAttachments.previewUrl })
    .from(mediaAttachments)
    .where(
      and(
        eq(mediaAttachments.accountId, accountId),
        isNotNull(mediaAttachments.storageKey),
        or(statusIds.length ? inArray(mediaAttachments.statusId, statusIds) : undefined, ne(mediaAttachments.usage, "attachment")),
      ),
    );
  const entries: ZipEntry[] = [];
  for (const r of rows) {
    for (const url of [r.url, r.previewUrl]) {
      const file = url ? new URL(url, ctx.config.origin).pathname.split("/").at(-1)! : "";
      if (!r.key || !isMediaFileName(file)) continue;
      // a file the media purge already removed is simply not in the archive
      const data = await readFile(mediaFilePath(ctx.config, r.key, file)).catch(() => null);
      if (data) entries.push({ name: `media/${r.key}/${file}`, data });
    }
  }
  return entries;
}
