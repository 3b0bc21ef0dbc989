// Which format a list is in, from its content (the URL's extension and the content type lie
// too often: raw GitHub serves CSV as text/plain).
import type { ListFormat } from "../../../db/schema/index.ts";
import { isCircleDocument } from "./circle.ts";
import { csvRecords, csvHeader } from "./csv.ts";
import { isFiresDocument } from "./fires.ts";

export type Detected = { format: Exclude<ListFormat, "auto">; json?: unknown } | { error: string };

export function detectFormat(text: string): Detected {
  const start = text.trimStart();
  if (start.startsWith("[") || start.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return { error: `Refused: the list looks like JSON but does not parse (${(e as Error).message}); nothing was applied.` };
    }
    if (Array.isArray(doc)) {
      // Mastodon's API entries carry a digest and a severity; GoToSocial's export neither.
      const first = doc.find((x) => x && typeof x === "object") as Record<string, unknown> | undefined;
      return { format: first && "digest" in first ? "mastodon-api" : "gotosocial-json", json: doc };
    }
    if (isCircleDocument(doc)) return { format: "caracol-circle", json: doc };
    if (isFiresDocument(doc)) return { format: "fires", json: doc };
    return { error: "Refused: a JSON document in no format we read (Mastodon API array, GoToSocial export, FIRES snapshot, Caracol circle, Akkoma NodeInfo); nothing was applied." };
  }
  // The first line that is not a comment decides; a `#domain,...` header is not a comment.
  for (const r of csvRecords(text.slice(0, 4096))) {
    if (csvHeader(r.fields)) return { format: "mastodon-csv" };
    if (r.text.trimStart().startsWith("#")) continue;
    return { format: r.fields.length > 1 ? "mastodon-csv" : "plain" };
  }
  return { format: "plain" };
}
