import type { ListRow } from "../../domain/lists/lists.ts";

export type MastodonList = { id: string; title: string; replies_policy: ListRow["repliesPolicy"]; exclusive: boolean };

export function listToMastodon(l: ListRow): MastodonList {
  return { id: l.id, title: l.title, replies_policy: l.repliesPolicy, exclusive: l.exclusive };
}
