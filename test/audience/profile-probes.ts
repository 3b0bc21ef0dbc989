// How each profile part of Alice shows, if it shows, through each surface: the Mastodon account
// entity (and the lists beside it), the web profile page, and signed ActivityPub fetches. Each
// probe answers "is the part there?"; the viewer matrix compares that with its own table.
import { PROFILE_PARTS, type ProfilePart } from "../../src/domain/audience/profile.ts";
import { postWord, PROFILE, type MatrixWorld } from "./matrix-world.ts";

/** How a part shows in the Mastodon account entity and the routes beside it; null: not shown there. */
export async function apiShows(w: MatrixWorld, part: ProfilePart, token: string | undefined): Promise<boolean> {
  const res = await w.get(`/api/v1/accounts/${w.alice.id}`, token);
  if (res.status !== 200) return false;
  const a = await res.json();
  const list = async (path: string, id: string) => {
    const r = await w.get(`/api/v1/accounts/${w.alice.id}/${path}`, token);
    return r.status === 200 && (await r.text()).includes(id);
  };
  const shows: Record<ProfilePart, () => boolean | Promise<boolean>> = {
    displayName: () => a.display_name === PROFILE.displayName,
    avatar: () => a.avatar.includes(PROFILE.avatar),
    header: () => a.header.includes(PROFILE.header),
    bio: () => a.note.includes(PROFILE.bio),
    fields: () => JSON.stringify(a.fields).includes(PROFILE.field),
    followers: () => list("followers", w.follower.id),
    following: () => list("following", w.mentioned.id),
    // Bob and Frank follow Alice
    followersCount: () => a.followers_count === 2,
    followingCount: () => a.following_count === 1,
    statusesCount: () => a.statuses_count > 0,
    joinDate: () => !a.created_at.startsWith("1970-"),
    posts: async () => {
      const r = await w.get(`/api/v1/accounts/${w.alice.id}/statuses`, token);
      return r.status === 200 && (await r.text()).includes(postWord("public"));
    },
  };
  return shows[part]();
}

/** The web profile page renders no header image and no follower lists: those must never show. */
export function webShows(page: string, part: ProfilePart): boolean {
  // Posts mention Dave; the profile parts are looked for outside the posts.
  const html = page.replace(/<article[\s\S]*?<\/article>/g, "");
  const shows: Record<ProfilePart, boolean> = {
    displayName: html.includes(PROFILE.displayName),
    avatar: html.includes(PROFILE.avatar),
    header: html.includes(PROFILE.header),
    bio: html.includes(PROFILE.bio),
    fields: html.includes(PROFILE.field),
    followers: html.includes("/@bob"),
    following: html.includes("/@dave"),
    followersCount: html.includes("2 followers"),
    followingCount: html.includes("1 following"),
    statusesCount: /<li>[1-9]\d* posts<\/li>/.test(html),
    joinDate: html.includes("Joined "),
    posts: page.includes(postWord("public")),
  };
  return shows[part];
}
export const WEB_RENDERS: ReadonlySet<ProfilePart> = new Set(PROFILE_PARTS.filter((p) => !["header", "followers", "following"].includes(p)));

/** What a signed fetch shows of a part: the actor document, the collections and the outbox. */
export async function activityPubShows(w: MatrixWorld, part: ProfilePart): Promise<boolean | null> {
  const get = async (path: string) => {
    const r = await w.signedGet(path);
    return r.status === 200 ? r.text() : "";
  };
  const actorRes = await w.signedGet("/users/alice");
  const actorText = actorRes.status === 200 ? await actorRes.text() : "";
  if (![200, 401].includes(actorRes.status)) throw new Error(`actor: unexpected ${actorRes.status} ${actorText}`);
  const actor = actorText ? JSON.parse(actorText) : {};
  const shows: Record<ProfilePart, () => Promise<boolean | null>> = {
    displayName: async () => actor.name === PROFILE.displayName,
    avatar: async () => JSON.stringify(actor.icon ?? null).includes(PROFILE.avatar),
    header: async () => JSON.stringify(actor.image ?? null).includes(PROFILE.header),
    bio: async () => String(actor.summary ?? "").includes(PROFILE.bio),
    fields: async () => JSON.stringify(actor.attachment ?? null).includes(PROFILE.field),
    followers: async () => (await get("/users/alice/followers")).includes("/users/bob"),
    following: async () => (await get("/users/alice/following")).includes("/users/dave"),
    followersCount: async () => (await get("/users/alice/followers")).includes('"totalItems"'),
    followingCount: async () => (await get("/users/alice/following")).includes('"totalItems"'),
    // ActivityPub actors carry no post count
    statusesCount: async () => null,
    joinDate: async () => actor.published !== undefined,
    // the outbox is checked on its own (outboxMismatches in viewer-matrix.test.ts)
    posts: async () => null,
  };
  return shows[part]();
}
