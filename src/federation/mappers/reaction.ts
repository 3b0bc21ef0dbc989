// Emoji reactions: Pleroma/Akkoma `EmojiReact` and Misskey's `Like` with `_misskey_reaction`.
// A reaction is one Unicode emoji (a single grapheme cluster) or a `:shortcode:` that the
// activity's Emoji tags resolve to an image.
import type { Activity } from "@fedify/vocab";
import { httpUrl, plainText, rawList, rawProp } from "./common.ts";
import { readTags, type RemoteEmoji } from "./note-parts.ts";

export type Reaction = { reaction: string; emoji: RemoteEmoji | null };

const SHORTCODE = /^:([a-zA-Z0-9_]{1,100}):$/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The Emoji tag from the sender's JSON, for senders whose @context does not define `Emoji`
 * (Misskey's trimmed contexts): same checks as a parsed tag, http(s) icon only.
 */
function rawEmoji(source: unknown, shortcode: string): RemoteEmoji | null {
  for (const tag of rawList(source, "tag")) {
    if (rawProp(tag, "type") !== "Emoji" || rawProp(tag, "name") !== `:${shortcode}:`) continue;
    const icon = rawProp(tag, "icon");
    const url = httpUrl(typeof icon === "string" ? icon : (rawProp(icon, "url") as string | undefined));
    if (url !== null) return { shortcode, url };
  }
  return null;
}

/** The reaction carried by an activity, null when it carries none, or a reason it is unusable. */
export async function readReaction(activity: Activity, source: unknown): Promise<Reaction | null | { invalid: string }> {
  const misskey = rawProp(source, "_misskey_reaction");
  const raw = typeof misskey === "string" ? misskey : activity.content == null ? null : String(activity.content);
  if (raw === null || raw.trim() === "") return null;
  const text = plainText(raw, 200);
  const custom = SHORTCODE.exec(text);
  if (custom !== null) {
    const { emojis } = await readTags(activity);
    const emoji = emojis.find((e) => e.shortcode === custom[1]) ?? rawEmoji(source, custom[1]);
    return { reaction: text, emoji };
  }
  const graphemes = [...segmenter.segment(text)];
  if (graphemes.length !== 1) return { invalid: `reaction ${JSON.stringify(text.slice(0, 20))} is not a single emoji` };
  if (!PICTOGRAPHIC.test(text)) return { invalid: `reaction ${JSON.stringify(text)} is not an emoji` };
  return { reaction: text, emoji: null };
}
