import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { exportMultibaseKey } from "@fedify/fedify";
import { isActor } from "@fedify/vocab";
import { parseJsonLdOffline } from "./document-loader.ts";
import { actorToAccount, type RemoteAccountRecord } from "./actor.ts";
import { isMapError, type MapError } from "./common.ts";

const ID = "https://remote.example/users/alice";
const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const ed = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
const MULTIBASE = await exportMultibaseKey(ed.publicKey);

const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  "https://w3id.org/security/v1",
  "https://w3id.org/security/data-integrity/v1",
  "https://www.w3.org/ns/did/v1",
  "https://w3id.org/security/multikey/v1",
  {
    toot: "http://joinmastodon.org/ns#",
    schema: "http://schema.org#",
    PropertyValue: "schema:PropertyValue",
    value: "schema:value",
    manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
    movedTo: { "@id": "as:movedTo", "@type": "@id" },
    discoverable: "toot:discoverable",
    indexable: "toot:indexable",
    memorial: "toot:memorial",
    suspended: "toot:suspended",
  },
];

/** A Person on remote.example; a key given as undefined is left out. */
function person(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const json: Record<string, unknown> = {
    "@context": CONTEXT,
    id: ID,
    type: "Person",
    preferredUsername: "alice",
    name: "Alice",
    inbox: `${ID}/inbox`,
    outbox: `${ID}/outbox`,
    followers: `${ID}/followers`,
    following: `${ID}/following`,
    endpoints: { sharedInbox: "https://remote.example/inbox" },
    url: "https://remote.example/@alice",
    publicKey: { id: `${ID}#main-key`, owner: ID, publicKeyPem: PEM },
    ...extra,
  };
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return json;
}

async function map(json: Record<string, unknown>, localOrigin?: string): Promise<RemoteAccountRecord | MapError> {
  const actor = await parseJsonLdOffline(json);
  assert.ok(isActor(actor), "test document is not an actor");
  return actorToAccount(actor, { localOrigin });
}

async function mapOk(json: Record<string, unknown>): Promise<RemoteAccountRecord> {
  const result = await map(json);
  if (isMapError(result)) assert.fail(`refused: ${result.code}: ${result.reason}`);
  return result;
}

async function mapErr(json: Record<string, unknown>, localOrigin?: string): Promise<MapError> {
  const result = await map(json, localOrigin);
  if (!isMapError(result)) assert.fail(`expected a refusal, got ${result.username}@${result.domain}`);
  return result;
}

const spkiBody = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");

test("maps a Person with every field", async () => {
  const account = await mapOk(
    person({
      summary: "<p>bio</p>",
      manuallyApprovesFollowers: true,
      discoverable: true,
      indexable: true,
      memorial: true,
      icon: { type: "Image", mediaType: "image/png", url: "https://media.remote.example/a.png" },
      image: { type: "Image", url: "https://media.remote.example/h.png" },
      attachment: [
        { type: "PropertyValue", name: "Pronouns", value: "she/her" },
        { type: "PropertyValue", name: "Site", value: '<a href="https://alice.example" rel="me">alice.example</a>' },
      ],
      movedTo: "https://new.example/users/alice",
      alsoKnownAs: ["https://old.example/users/alice"],
      assertionMethod: [{ id: `${ID}#ed25519-key`, type: "Multikey", controller: ID, publicKeyMultibase: MULTIBASE }],
    }),
  );
  assert.equal(account.uri, ID);
  assert.equal(account.username, "alice");
  assert.equal(account.domain, "remote.example");
  assert.equal(account.url, "https://remote.example/@alice");
  assert.equal(account.inboxUrl, `${ID}/inbox`);
  assert.equal(account.sharedInboxUrl, "https://remote.example/inbox");
  assert.equal(account.followersUrl, `${ID}/followers`);
  assert.equal(account.displayName, "Alice");
  assert.equal(account.note, "<p>bio</p>");
  assert.deepEqual(account.fields, [
    { name: "Pronouns", value: "she/her" },
    { name: "Site", value: '<a href="https://alice.example" rel="nofollow noopener noreferrer" target="_blank">alice.example</a>' },
  ]);
  assert.equal(account.avatarUrl, "https://media.remote.example/a.png");
  assert.equal(account.headerUrl, "https://media.remote.example/h.png");
  assert.equal(account.locked, true);
  assert.equal(account.discoverable, true);
  assert.equal(account.indexable, true);
  assert.equal(account.memorial, true);
  assert.equal(account.suspended, false);
  assert.equal(account.bot, false);
  assert.equal(account.group, false);
  assert.equal(account.movedTo, "https://new.example/users/alice");
  assert.deepEqual(account.alsoKnownAs, ["https://old.example/users/alice"]);
  assert.equal(account.publicKeys.length, 2);
  assert.deepEqual({ ...account.publicKeys[0], pem: null }, { id: `${ID}#main-key`, owner: ID, pem: null, multibase: null });
  assert.equal(spkiBody(account.publicKeys[0].pem ?? ""), spkiBody(PEM));
  assert.deepEqual(account.publicKeys[1], { id: `${ID}#ed25519-key`, owner: ID, pem: null, multibase: MULTIBASE });
});

test("protective defaults when flags are absent; Service is a bot, Group a group", async () => {
  const account = await mapOk(person());
  assert.equal(account.discoverable, false);
  assert.equal(account.indexable, false);
  assert.equal(account.locked, false);
  assert.equal((await mapOk(person({ type: "Service" }))).bot, true);
  assert.equal((await mapOk(person({ type: "Application" }))).bot, true);
  const group = await mapOk(person({ type: "Group" }));
  assert.equal(group.group, true);
  assert.equal(group.actorType, "Group");
});

test("domain keeps a non-default port", async () => {
  const id = "https://remote.example:8443/u/a";
  const account = await mapOk(person({ id, inbox: `${id}/inbox`, publicKey: { id: `${id}#k`, owner: id, publicKeyPem: PEM }, followers: undefined, endpoints: undefined }));
  assert.equal(account.domain, "remote.example:8443");
});

test("hostile HTML in name, summary and fields comes out sanitised", async () => {
  const account = await mapOk(
    person({
      name: 'Eve<script>alert(1)</script><img src=x onerror="alert(2)"> \u202eevil',
      summary: '<p onmouseover="x()">hi<script>alert(1)</script><a href="javascript:alert(1)">x</a><iframe src="https://e.example"></iframe></p>',
      attachment: [{ type: "PropertyValue", name: "<b>Site</b><script>x</script>", value: '<a href="javascript:alert(1)" onclick="x()">click</a><img src=x>' }],
      icon: { type: "Image", url: "javascript:alert(1)" },
      image: { type: "Image", url: "data:image/png;base64,AAAA" },
    }),
  );
  assert.equal(account.displayName, "Eve evil");
  for (const bad of ["<script", "onmouseover", "javascript:", "<iframe", "alert(1)"]) assert.ok(!account.note.includes(bad), account.note);
  assert.equal(account.fields[0].name, "Site");
  for (const bad of ["javascript:", "onclick", "<img"]) assert.ok(!account.fields[0].value.includes(bad), account.fields[0].value);
  assert.equal(account.avatarUrl, null);
  assert.equal(account.headerUrl, null);
});

test("display name is cut to 100 characters", async () => {
  assert.equal([...(await mapOk(person({ name: "é".repeat(300) }))).displayName].length, 100);
});

test("refuses actors without id, inbox or username, or with a non-http(s) id", async () => {
  assert.equal((await mapErr(person({ id: undefined }))).code, "missing_id");
  assert.equal((await mapErr(person({ inbox: undefined }))).code, "missing_field");
  assert.equal((await mapErr(person({ preferredUsername: undefined }))).code, "missing_field");
  assert.equal((await mapErr(person({ preferredUsername: "a@b" }))).code, "invalid_field");
  const did = "did:example:alice";
  assert.equal((await mapErr(person({ id: did, publicKey: undefined }))).code, "invalid_id");
});

test("refuses actors whose inbox or keys live on another host (origin check)", async () => {
  assert.equal((await mapErr(person({ inbox: "https://evil.example/inbox" }))).code, "origin_mismatch");
  assert.equal((await mapErr(person({ publicKey: { id: "https://evil.example/k", owner: ID, publicKeyPem: PEM } }))).code, "origin_mismatch");
  assert.equal((await mapErr(person({ publicKey: { id: `${ID}#k`, owner: "https://remote.example/users/bob", publicKeyPem: PEM } }))).code, "origin_mismatch");
  const multikey = { id: "https://evil.example/k2", type: "Multikey", controller: ID, publicKeyMultibase: MULTIBASE };
  assert.equal((await mapErr(person({ assertionMethod: [multikey] }))).code, "origin_mismatch");
});

test("a shared inbox or followers collection on another host is dropped, not trusted", async () => {
  const account = await mapOk(person({ endpoints: { sharedInbox: "https://evil.example/inbox" }, followers: "https://evil.example/followers" }));
  assert.equal(account.sharedInboxUrl, null);
  assert.equal(account.followersUrl, null);
});

test("refuses an actor that claims to live on this server", async () => {
  assert.equal((await mapErr(person(), "https://remote.example")).code, "local_origin");
});
