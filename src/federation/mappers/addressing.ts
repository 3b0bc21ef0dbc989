// Addressing (to / cc / bto / bcc / audience) -> Caracol audience, for objects and activities
// that arrive from other servers.
//
// | addressed (any of to, cc, bto, bcc, audience)               | audience        |
// | ----------------------------------------------------------- | --------------- |
// | as:Public in `to`                                           | public          |
// | as:Public only in cc / bto / bcc / audience                 | unlisted        |
// | acl:AuthenticatedAgent (FEP-7502), no as:Public             | authenticated   |
// | the author's followers collection, none of the above        | followers       |
// | anything else: specific actors only, or nobody              | direct          |
//
// as:Public is recognised as `https://www.w3.org/ns/activitystreams#Public`, the compact
// `as:Public` (JSON-LD expands it to the full IRI) and the bare `Public`. JSON-LD resolves a
// bare `Public` against the document's base, so it is only recognised in the sender's own JSON
// (`source`); without it, a resolved `https://host/Public` is NOT read as public (the protective
// reading). FEP-7502's identifier is `http://www.w3.org/ns/auth/acl#AuthenticatedAgent`; per the
// FEP it has no effect next to as:Public. `local` and `circle` never come from remote addressing
// (glitch-soc / Akkoma local-only markers only matter on their own server).
//
// The followers collection is the one the author's actor document declares (`followersUrl`).
// When the caller does not know it (`undefined`), `<authorUri>/followers` is accepted, the
// convention of Mastodon, Pleroma, Misskey and most others; `null` means "the author has none".
import type { Audience } from "../../db/schema/statuses.ts";
import { httpUrl, rawList } from "./common.ts";

export const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
export const AUTHENTICATED_AGENT = "http://www.w3.org/ns/auth/acl#AuthenticatedAgent";

const PUBLIC_FORMS = new Set([AS_PUBLIC, "as:Public", "Public", "http://www.w3.org/ns/activitystreams#Public"]);
const AUTHENTICATED_FORMS = new Set([AUTHENTICATED_AGENT, "acl:AuthenticatedAgent"]);

export type Addressed = {
  to: readonly URL[];
  cc: readonly URL[];
  bto: readonly URL[];
  bcc: readonly URL[];
  audience: readonly URL[];
};

export type AddressingResult = {
  audience: Audience;
  /** every addressed actor or collection other than as:Public, AuthenticatedAgent and the author's followers */
  recipients: string[];
  /** whether the author's followers collection was addressed */
  followers: boolean;
};

export type AddressingOptions = {
  authorUri: string;
  followersUrl?: string | null;
  /** the sender's JSON for this object, to see bare `Public` before JSON-LD resolves it */
  source?: unknown;
};

function rawIds(source: unknown, key: string): string[] {
  return rawList(source, key).map((v) => (typeof v === "string" ? v : typeof v === "object" && v !== null ? String((v as { id?: unknown }).id ?? "") : ""));
}

export function audienceFromAddressing(addressed: Addressed, options: AddressingOptions): AddressingResult {
  const followersUrl = options.followersUrl === undefined ? `${options.authorUri.replace(/\/$/, "")}/followers` : options.followersUrl;
  const rawTo = rawIds(options.source, "to");
  const rawOther = [...rawIds(options.source, "cc"), ...rawIds(options.source, "bto"), ...rawIds(options.source, "bcc"), ...rawIds(options.source, "audience")];

  const publicIn = (urls: readonly URL[], raw: string[]) => urls.some((u) => PUBLIC_FORMS.has(u.href)) || raw.some((r) => PUBLIC_FORMS.has(r));
  const others = [...addressed.cc, ...addressed.bto, ...addressed.bcc, ...addressed.audience];
  const all = [...addressed.to, ...others];

  const publicTo = publicIn(addressed.to, rawTo);
  const publicElsewhere = publicIn(others, rawOther);
  const authenticated = all.some((u) => AUTHENTICATED_FORMS.has(u.href)) || [...rawTo, ...rawOther].some((r) => AUTHENTICATED_FORMS.has(r));
  const followers = followersUrl !== null && all.some((u) => u.href === followersUrl);

  const recipients: string[] = [];
  for (const u of all) {
    const href = httpUrl(u);
    if (href === null || PUBLIC_FORMS.has(href) || AUTHENTICATED_FORMS.has(href) || href === followersUrl) continue;
    if (!recipients.includes(href)) recipients.push(href);
  }

  const audience: Audience = publicTo
    ? "public"
    : publicElsewhere
      ? "unlisted"
      : authenticated
        ? "authenticated"
        : followers
          ? "followers"
          : "direct";
  return { audience, recipients, followers };
}

/** Addressing of any parsed object or activity. */
export function addressedOf(object: {
  toIds: URL[];
  ccIds: URL[];
  btoIds: URL[];
  bccIds: URL[];
  audienceIds: URL[];
}): Addressed {
  return { to: object.toIds, cc: object.ccIds, bto: object.btoIds, bcc: object.bccIds, audience: object.audienceIds };
}
