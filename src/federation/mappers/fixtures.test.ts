// Runs the inbound mappers over every real document in ../shared/fixtures/activitypub (captured
// from Mastodon, Misskey, Pleroma, Friendica, PeerTube, Lemmy, GNU social, Mitra, Smithereen,
// ...; see ../shared/fixtures/PROVENANCE.md). The documents are read in place, never copied.
// Every mapper must return a record or a MapError, never throw; spoofed documents must be
// refused or sent back to their origin; a summary of what mapped and what was refused is printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Activity, isActor } from "@fedify/vocab";
import type { Object as ASObject } from "@fedify/vocab";
import { parseJsonLdOffline } from "./document-loader.ts";
import { actorToAccount, type RemoteAccountRecord } from "./actor.ts";
import { objectToStatus, statusTypeOf, type RemoteStatusRecord } from "./note.ts";
import { classifyActivity, describeRef, type ClassifiedActivity } from "./activity.ts";
import { isMapError, typeName, type MapError } from "./common.ts";

const FIXTURES = process.env.CARACOL_FIXTURES_DIR ?? resolve(import.meta.dirname, "../../../../shared/fixtures/activitypub");
const LOCAL_ORIGIN = "https://caracol.test";
const LEMMY_WIRE_CONTEXT = ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"];

// Where the upstream test suites serve a fixture from, when that is not the document's own id.
// bonfire-networks/activity_pub (after Pleroma) serves spoofed-object.json as an uploaded media
// file: a document claiming an id it was not fetched from.
const FETCHED_FROM: Record<string, string> = {
  "bonfire-fixtures/spoofed-object.json":
    "https://patch.local/media/03ca3c8b4ac3ddd08bf0f84be7885f2f88de0f709112131a22d83650819e36c2.json",
};

type Outcome = { file: string; label: string; result: RemoteAccountRecord | RemoteStatusRecord | ClassifiedActivity | MapError | { thrown: string } };

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith(".json")) out.push(path);
  }
  return out;
}

async function guarded<T>(run: () => Promise<T>): Promise<T | { thrown: string }> {
  try {
    return await run();
  } catch (error) {
    return { thrown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * Maps one parsed document with the matching mapper, then what Create/Update/Announce embed.
 * A top-level post is vouched for by its own attributedTo (as if fetched from its id); an
 * embedded one by the activity's actor (as if the activity's signature had been checked).
 */
async function mapDocument(file: string, object: ASObject, source: unknown, depth = 0, vouchedAuthor?: string): Promise<Outcome[]> {
  const label = typeName(object);
  if (statusTypeOf(object) !== null) {
    const authorUri = vouchedAuthor ?? object.attributionIds[0]?.href ?? "";
    const fetchedFrom = depth === 0 ? FETCHED_FROM[file] : undefined;
    return [{ file, label, result: await guarded(() => objectToStatus(object, { localOrigin: LOCAL_ORIGIN, authorUri, source, fetchedFrom })) }];
  }
  if (isActor(object)) return [{ file, label, result: await guarded(() => actorToAccount(object, { localOrigin: LOCAL_ORIGIN })) }];
  if (!(object instanceof Activity)) return [];
  const result = await guarded(() => classifyActivity(object, { localOrigin: LOCAL_ORIGIN, source }));
  const outcomes: Outcome[] = [{ file, label, result }];
  if ("thrown" in result || isMapError(result) || !("object" in result) || typeof result.object !== "object") return outcomes;
  const inner = result.object;
  if (inner.kind !== "embedded" || depth >= 2) return outcomes;
  for (const o of await mapDocument(file, inner.object, inner.source, depth + 1, result.actor)) {
    outcomes.push({ ...o, label: `${label} > ${o.label}` });
  }
  return outcomes;
}

function describe(result: Outcome["result"]): string {
  if ("thrown" in result) return `THREW ${result.thrown}`;
  if (isMapError(result)) return `refused (${result.code})${result.refetch ? ` refetch from origin: ${result.refetch}` : ""}: ${result.reason}`;
  if ("kind" in result && result.kind === "account") return `account ${result.username}@${result.domain}`;
  if ("kind" in result && result.kind === "status") return `status ${result.audience} ${result.uri}`;
  if (!("type" in result)) return "?";
  const ref = "object" in result && typeof result.object === "object" ? ` ${describeRef(result.object)}` : "";
  return `${result.type}${ref}`;
}

function isRefetch(result: Outcome["result"]): boolean {
  if ("thrown" in result) return false;
  if (isMapError(result)) return result.refetch !== undefined;
  return "object" in result && typeof result.object === "object" && result.object.kind === "refetch";
}

const present = existsSync(FIXTURES);

function readFixture(file: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
}

/** A top-level post fixture, vouched for by its own attributedTo. */
async function mapFixtureStatus(file: string): Promise<RemoteStatusRecord> {
  const json = readFixture(file);
  const object = await parseJsonLdOffline(json);
  const status = await objectToStatus(object, { localOrigin: LOCAL_ORIGIN, authorUri: json.attributedTo, source: json });
  if (isMapError(status)) assert.fail(`${file}: ${status.reason}`);
  return status;
}

test("inbound mappers over the shared ActivityPub fixtures", { skip: present ? false : `fixtures folder ${FIXTURES} is absent (a fresh clone has no ../shared); skipping` }, async (t) => {
  const outcomes: Outcome[] = [];
  const unparsed: { file: string; error: string }[] = [];
  const skipped: string[] = [];
  const fallbackContexts = new Set<string>();
  const contextSupplied: string[] = [];
  for (const path of walk(FIXTURES)) {
    const file = relative(FIXTURES, path);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      unparsed.push({ file, error: "not JSON" });
      continue;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json) || !("type" in json)) {
      skipped.push(file);
      continue;
    }
    if (!("@context" in json)) {
      // Lemmy's asset files leave out the @context its server sends on the wire.
      json = { "@context": LEMMY_WIRE_CONTEXT, ...json };
      contextSupplied.push(file);
    }
    let object: ASObject;
    try {
      object = await parseJsonLdOffline(json, { onFallback: (url) => fallbackContexts.add(url) });
    } catch (error) {
      unparsed.push({ file, error: String(error).slice(0, 120) });
      continue;
    }
    const mapped = await mapDocument(file, object, json);
    if (mapped.length === 0) skipped.push(`${file} (${typeName(object)})`);
    outcomes.push(...mapped);
  }

  // Summary: per type, how many mapped and how many were refused, and why.
  const byLabel = new Map<string, { mapped: number; refused: number; reasons: Map<string, number> }>();
  for (const o of outcomes) {
    const key = o.label;
    const entry = byLabel.get(key) ?? { mapped: 0, refused: 0, reasons: new Map() };
    if ("thrown" in o.result || isMapError(o.result)) {
      entry.refused++;
      const why = "thrown" in o.result ? "THREW" : o.result.code;
      entry.reasons.set(why, (entry.reasons.get(why) ?? 0) + 1);
    } else {
      entry.mapped++;
      if (isRefetch(o.result)) entry.reasons.set("object: refetch from origin", (entry.reasons.get("object: refetch from origin") ?? 0) + 1);
    }
    byLabel.set(key, entry);
  }
  const lines = [...byLabel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, e]) => `${label.padEnd(28)} mapped ${String(e.mapped).padStart(3)}  refused ${String(e.refused).padStart(3)}  ${[...e.reasons].map(([r, n]) => `${r}: ${n}`).join(", ")}`);
  t.diagnostic(
    `fixtures: ${outcomes.length} mapper runs, ${unparsed.length} documents Fedify could not parse, ${skipped.length} not mapped (other types or not ActivityStreams), ${contextSupplied.length} given Lemmy's wire @context`,
  );
  if (process.env.CARACOL_FIXTURES_VERBOSE) for (const s of skipped) t.diagnostic(`not mapped: ${s}`);
  for (const line of lines) t.diagnostic(line);
  for (const u of unparsed) t.diagnostic(`unparseable: ${u.file}: ${u.error}`);
  t.diagnostic(`contexts answered with the offline fallback: ${[...fallbackContexts].sort().join(" ")}`);
  if (process.env.CARACOL_FIXTURES_VERBOSE) for (const o of outcomes) t.diagnostic(`${o.file}: ${o.label}: ${describe(o.result)}`);

  await t.test("no mapper throws", () => {
    const thrown = outcomes.filter((o) => "thrown" in o.result).map((o) => `${o.file}: ${describe(o.result)}`);
    assert.deepEqual(thrown, []);
  });

  await t.test("the fixtures were actually exercised", () => {
    assert.ok(outcomes.length >= 150, `only ${outcomes.length} mapper runs`);
    assert.ok(unparsed.length <= 5, `Fedify could not parse ${unparsed.length} documents: ${unparsed.map((u) => u.file).join(", ")}`);
  });

  await t.test("every spoofed document is refused or sent back to its origin", () => {
    const spoofed = outcomes.filter((o) => /(^|\/)spoofed[-_][^/]*\.json$/.test(o.file) || o.file.endsWith("bogus-mastodon-announce.json"));
    assert.ok(spoofed.length >= 3, "spoofed fixtures missing");
    for (const o of spoofed) {
      assert.ok(isMapError(o.result) || isRefetch(o.result), `${o.file} was trusted: ${describe(o.result)}`);
    }
    const announce = spoofed.find((o) => o.file.endsWith("bogus-mastodon-announce.json"));
    assert.ok(announce && isRefetch(announce.result), "an Announce embedding another host's Note must say refetch from origin");
  });

  await t.test("nothing embedded from another host is handed over as trusted", () => {
    for (const o of outcomes) {
      const r = o.result;
      if ("thrown" in r || isMapError(r) || !("object" in r) || typeof r.object !== "object" || r.object.kind !== "embedded") continue;
      if (r.object.uri === null) continue;
      assert.equal(new URL(r.object.uri).host, new URL(r.actor).host, `${o.file}: embedded ${r.object.uri} from another host than ${r.actor}`);
    }
  });

  await t.test("the Mastodon Person fixtures map with the values in the files", async () => {
    for (const file of ["lemmy-assets/mastodon/objects/person.json", "bonfire-fixtures/mastodon/mastodon-actor.json"]) {
      const json = readFixture(file);
      const actor = await parseJsonLdOffline(json);
      assert.ok(isActor(actor), file);
      const account = await actorToAccount(actor, { localOrigin: LOCAL_ORIGIN });
      if (isMapError(account)) assert.fail(`${file}: ${account.reason}`);
      assert.equal(account.uri, json.id);
      assert.equal(account.username, json.preferredUsername);
      assert.equal(account.domain, new URL(json.id).host);
      assert.equal(account.url, json.url);
      assert.equal(account.inboxUrl, json.inbox);
      assert.equal(account.sharedInboxUrl, json.endpoints.sharedInbox);
      assert.equal(account.followersUrl, json.followers);
      assert.equal(account.displayName, json.name ?? "");
      assert.equal(account.avatarUrl, json.icon.url);
      assert.equal(account.headerUrl, json.image?.url ?? null);
      assert.equal(account.locked, json.manuallyApprovesFollowers === true);
      assert.equal(account.discoverable, json.discoverable === true);
      assert.equal(account.indexable, json.indexable === true);
      assert.equal(account.publicKeys[0].id, json.publicKey.id);
      assert.equal(account.publicKeys[0].owner, json.publicKey.owner);
      const body = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
      assert.equal(body(account.publicKeys[0].pem ?? ""), body(json.publicKey.publicKeyPem));
    }
  });

  await t.test("the Mastodon Note fixtures map with the values in the files", async () => {
    const file = "bonfire-fixtures/mastodon/mastodon-note-object.json";
    const json = readFixture(file);
    const status = await mapFixtureStatus(file);
    assert.equal(status.uri, json.id);
    assert.equal(status.url, json.url);
    assert.equal(status.attributedTo, json.attributedTo);
    assert.equal(status.content, json.content);
    assert.equal(status.published?.toISOString(), new Date(json.published).toISOString());
    assert.equal(status.inReplyTo, null);
    assert.equal(status.sensitive, json.sensitive);
    assert.deepEqual(status.attachments.map((a) => [a.url, a.mediaType]), json.attachment.map((a: { url: string; mediaType: string }) => [a.url, a.mediaType]));

    const file2 = "lemmy-assets/mastodon/objects/note_2.json";
    const json2 = readFixture(file2);
    const status2 = await mapFixtureStatus(file2);
    assert.equal(status2.inReplyTo, json2.inReplyTo);
    assert.equal(status2.language, Object.keys(json2.contentMap)[0]);
    assert.deepEqual(status2.mentions, json2.tag.filter((x: { type: string }) => x.type === "Mention").map((x: { href: string }) => x.href));
    const media = json2.attachment[0];
    assert.deepEqual(status2.attachments[0], { url: media.url, mediaType: media.mediaType, name: media.name, width: media.width, height: media.height, blurhash: media.blurhash });
  });

  await t.test("addressing in real documents maps to the right audience", async () => {
    const cases: [string, string][] = [
      ["bonfire-fixtures/mastodon/mastodon-note-object.json", "public"],
      ["lemmy-assets/mastodon/objects/note_1.json", "unlisted"],
      ["bonfire-fixtures/pleroma_private_note.json", "followers"],
      ["lemmy-assets/mastodon/activities/private_message.json", "direct"],
    ];
    for (const [file, audience] of cases) assert.equal((await mapFixtureStatus(file)).audience, audience, file);
  });
});
