// Mastodon's StatusEdit and StatusSource entities. Callers have already checked, through the
// gate, that the viewer may see the status; the author's account still goes through it too.
import type { Ctx } from "../../domain/context.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { loadAccounts, serializeAccounts, type MastodonAccount } from "./account.ts";
import type { StatusRow } from "./status.ts";

export type MastodonStatusEdit = {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: MastodonAccount;
  poll: null;
  media_attachments: unknown[];
  emojis: unknown[];
};

export type MastodonStatusSource = { id: string; text: string; spoiler_text: string };

export type StatusVersion = { content: string; spoilerText: string; sensitive: boolean; createdAt: Date };

export async function serializeStatusEdits(ctx: Ctx, viewer: Viewer, status: StatusRow, versions: readonly StatusVersion[]): Promise<MastodonStatusEdit[]> {
  const account = (await serializeAccounts(ctx, viewer, await loadAccounts(ctx, [status.accountId]))).get(status.accountId);
  if (!account) return [];
  return versions.map((v) => ({
    content: v.content,
    spoiler_text: v.spoilerText,
    sensitive: v.sensitive,
    created_at: v.createdAt.toISOString(),
    account,
    poll: null,
    media_attachments: [],
    emojis: [],
  }));
}

export function statusSource(status: StatusRow): MastodonStatusSource {
  return { id: status.id, text: status.text, spoiler_text: status.spoilerText };
}
