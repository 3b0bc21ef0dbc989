// The list parsers against short copies of real published lists (test/fixtures/blocklists,
// sources in its README) and against broken ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parseBlocklist } from "./index.ts";
import { sha256Hex } from "../digest.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../../../../test/fixtures/blocklists");
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const domains = (r: ReturnType<typeof parseBlocklist>) => r.entries.map((e) => e.domain);

test("Oliphant's unified list: header without #, True/False, quoted comments with commas", () => {
  const r = parseBlocklist(fixture("oliphant-unified-tier0.csv"));
  assert.equal(r.error, null);
  assert.equal(r.format, "mastodon-csv");
  assert.deepEqual(domains(r), ["076.ne.jp", "101010.pl", "1611.social", "activitypub-troll.cf"]);
  assert.equal(r.entries[2]!.publicComment, "hate-associated, anti-lgbtq, hate-speech");
  assert.equal(r.entries[1]!.publicComment, null);
  assert.ok(r.entries.every((e) => e.severity === "suspend" && !e.rejectMedia && e.digest === sha256Hex(e.domain!)));
});

test("Garden Fence (# headers, false) and IFTAS DNI (TRUE/FALSE)", () => {
  const g = parseBlocklist(fixture("gardenfence.csv"), "mastodon-csv");
  assert.deepEqual(domains(g), ["076.ne.jp", "1611.social", "5dollah.click"]);
  const d = parseBlocklist(fixture("iftas-dni.csv"));
  assert.equal(d.error, null);
  assert.equal(d.entries[0]!.rejectMedia, true);
  assert.equal(d.entries[1]!.rejectMedia, false);
  assert.equal(d.entries[2]!.publicComment, "iftas:hate-speech;online-harassment");
});

test("Mastodon export variants: extra columns, case, *. prefix, IDN, bad lines reported by number", () => {
  const r = parseBlocklist(fixture("mastodon-export-variants.csv"));
  assert.equal(r.error, null);
  assert.deepEqual(domains(r), ["spam.example", "wild.example", "xn--bcher-kva.example"]);
  assert.deepEqual(r.entries.map((e) => e.severity), ["silence", "suspend", "noop"]);
  assert.equal(r.entries[0]!.rejectMedia, true);
  assert.equal(r.entries[1]!.rejectReports, true);
  assert.equal(r.entries[0]!.publicComment, "ads, lots of them");
  assert.deepEqual(r.rejected.map((x) => x.line), [5, 6]);
  assert.match(r.rejected[0]!.reason, /no spaces/);
  assert.match(r.rejected[1]!.reason, /unknown severity "frobnicate"/);
  // a header with only some columns: severity defaults to suspend
  const c = parseBlocklist(fixture("domain-comment-only.csv"));
  assert.deepEqual(c.entries.map((e) => [e.domain, e.severity, e.publicComment]), [["foo.example", "suspend", "spam"]]);
});

test("a CSV without a header is refused whole, with the line it found", () => {
  const r = parseBlocklist(fixture("wrong-header.csv"));
  assert.equal(r.format, "mastodon-csv");
  assert.match(r.error ?? "", /line 1 should be a header.*#domain,#severity/);
  assert.match(r.error ?? "", /example\.org,suspend,false/);
  assert.deepEqual(r.entries, []);
});

test("Seirdy's canaries refuse the whole list: the instruction line and the canary domain", () => {
  const a = parseBlocklist(fixture("seirdy-tier0-canary.csv"));
  assert.match(a.error ?? "", /line 2 is a canary/);
  assert.match(a.error ?? "", /nothing from this list was applied/);
  assert.deepEqual(a.entries, []);
  const b = parseBlocklist(fixture("seirdy-tier0-canary-domain.csv"));
  assert.match(b.error ?? "", /line 3 is a canary.*canary\.tier0\.example\.com/);
  const plain = parseBlocklist(new TextEncoder().encode("good.example\ncanary.fedinuke.example.com\n"));
  assert.match(plain.error ?? "", /line 2 is a canary/);
  // a commented-out canary was reviewed; and a real server named canary.* is not one
  const reviewed = parseBlocklist(new TextEncoder().encode("#domain,#severity\n#000delete.this.line,suspend\ncanary.discord.example.net.org,suspend\n"));
  assert.equal(reviewed.error, null);
  assert.deepEqual(domains(reviewed), ["canary.discord.example.net.org"]);
});

test("20,001 rows are refused; 20,000 are read", () => {
  const rows = (n: number) => "#domain,#severity\n" + Array.from({ length: n }, (_, i) => `host${i}.example,suspend`).join("\n");
  const over = parseBlocklist(new TextEncoder().encode(rows(20_001)));
  assert.match(over.error ?? "", /20001 rows, more than the 20000 accepted/);
  assert.deepEqual(over.entries, []);
  assert.equal(parseBlocklist(new TextEncoder().encode(rows(20_000))).entries.length, 20_000);
  const plain = parseBlocklist(new TextEncoder().encode(Array.from({ length: 20_001 }, (_, i) => `h${i}.example`).join("\n")));
  assert.match(plain.error ?? "", /more than the 20000/);
});

test("invalid UTF-8 is refused with a clear error", () => {
  const latin1 = new Uint8Array([...new TextEncoder().encode("#domain,#severity\nb"), 0xfc, ...new TextEncoder().encode("cher.example,suspend\n")]);
  const r = parseBlocklist(latin1);
  assert.match(r.error ?? "", /not valid UTF-8/);
  assert.deepEqual(r.entries, []);
});

test("plain text: comments, blank lines, bad lines", () => {
  const r = parseBlocklist(fixture("plain.txt"));
  assert.equal(r.format, "plain");
  assert.deepEqual(domains(r), ["first.example", "second.example"]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[5, "looks like a URL or a handle, not a domain name"]]);
  // a comment with a comma does not make a plain list CSV
  const commented = parseBlocklist(new TextEncoder().encode("# blocks, reviewed weekly\none.example\n"));
  assert.equal(commented.format, "plain");
  assert.deepEqual(domains(commented), ["one.example"]);
});

test("GoToSocial's export: every entry a suspension with its public comment", () => {
  const r = parseBlocklist(fixture("gotosocial-export.json"));
  assert.equal(r.format, "gotosocial-json");
  assert.deepEqual(domains(r), ["bumfaces.net", "peepee.poopoo", "nothanks.com"]);
  assert.deepEqual(r.entries.map((e) => e.publicComment), ["big jerks", "harassment", null]);
});

test("Mastodon's /api/v1/instance/domain_blocks: obfuscated entries keep only their digest", () => {
  const r = parseBlocklist(fixture("mastodon-api-domain-blocks.json"));
  assert.equal(r.format, "mastodon-api");
  assert.deepEqual(domains(r), ["birb.elfenban.de", null]);
  assert.equal(r.entries[1]!.digest, sha256Hex("hidden-domain.example"));
  assert.equal(r.entries[1]!.severity, "silence");
  assert.match(r.rejected[0]!.reason, /without a valid SHA-256 digest/);
});

test("FIRES snapshot: recommendations become rules, advisories and actors are skipped", () => {
  const r = parseBlocklist(fixture("fires-snapshot.json"));
  assert.equal(r.format, "fires");
  assert.deepEqual(r.entries.map((e) => [e.domain, e.severity, e.rejectMedia]), [
    ["rejected.example", "suspend", false],
    ["filtered.example", "silence", true],
  ]);
  assert.equal(r.warnings.length, 2);
  const changesFeed = parseBlocklist(new TextEncoder().encode(JSON.stringify({ "@context": "https://fires.fedimod.org/context/fires.jsonld", type: "OrderedCollection", first: "x" })), "fires");
  assert.match(changesFeed.error ?? "", /snapshot/);
});

test("circle documents: Caracol's (members and rules) and Akkoma's bubble (members only)", () => {
  const c = parseBlocklist(fixture("caracol-circle.json"));
  assert.equal(c.format, "caracol-circle");
  assert.equal(c.circle?.name, "Garden neighbours");
  assert.deepEqual(c.circle?.members, ["snail.example", "shell.example"]);
  assert.equal(c.rejected.length, 1);
  assert.deepEqual(c.entries.map((e) => [e.domain, e.severity, e.rejectMedia, e.rejectReports]), [
    ["harasser.example", "suspend", false, true],
    ["noisy.example", "silence", true, false],
  ]);
  const a = parseBlocklist(fixture("akkoma-nodeinfo.json"));
  assert.equal(a.format, "caracol-circle");
  assert.deepEqual(a.circle, { source: "akkoma-bubble", name: "Cafe bubble", description: "", members: ["tea.example", "biscuit.example"] });
  assert.deepEqual(a.entries, []);
});

test("a format named explicitly that does not fit is refused, not guessed", () => {
  assert.match(parseBlocklist(fixture("gardenfence.csv"), "gotosocial-json").error ?? "", /not valid JSON/);
  assert.match(parseBlocklist(fixture("gotosocial-export.json"), "caracol-circle").error ?? "", /circle document/);
  assert.match(parseBlocklist(new TextEncoder().encode('{"hello": 1}')).error ?? "", /no format we read/);
});
