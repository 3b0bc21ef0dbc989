import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../../../test/helpers/app.ts";
import { accounts } from "../../db/schema/index.ts";
import { newId } from "../../lib/id.ts";
import { countStatusChars, escapeHtml, formatNote, formatStatusText, sanitizeHtml } from "./format.ts";

let app: TestApp;
let alice: { id: string };
let remoteId: string;

before(async () => {
  app = await createTestApp();
  alice = await app.user("alice");
  remoteId = newId();
  await app.ctx.db.insert(accounts).values({ id: remoteId, username: "bob", domain: "remote.example", uri: "https://remote.example/users/bob", url: "https://remote.example/@bob" });
});
after(async () => {
  await app.close();
});

/** No tag other than the ones we write, and no attribute that runs script or loads anything. */
function assertSafe(html: string) {
  for (const m of html.matchAll(/<\/?([a-z0-9]+)([^>]*)>/gi)) {
    assert.ok(["p", "br", "a", "span"].includes(m[1].toLowerCase()), `unexpected tag ${m[0]}`);
    for (const attr of m[2].matchAll(/\s([a-z-]+)=/gi)) {
      assert.ok(["href", "rel", "class", "target", "translate"].includes(attr[1].toLowerCase()), `unexpected attribute in ${m[0]}`);
    }
  }
  for (const href of html.matchAll(/href="([^"]*)"/g)) assert.match(href[1], /^https?:\/\//, `unsafe href ${href[1]}`);
  assert.doesNotMatch(html, /<script|<style|<img|<iframe|<svg/i);
}

describe("escapeHtml", () => {
  test("escapes the five HTML metacharacters", () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});

describe("formatStatusText", () => {
  test("paragraphs and line breaks", async () => {
    const { html } = await formatStatusText(app.ctx, "one\ntwo\n\nthree\r\n\r\n\r\nfour");
    assert.equal(html, "<p>one<br>two</p><p>three</p><p>four</p>");
  });

  test("empty and whitespace-only text give empty HTML", async () => {
    assert.equal((await formatStatusText(app.ctx, "")).html, "");
    assert.equal((await formatStatusText(app.ctx, " \n\n \n")).html, "");
  });

  test("http(s) URLs become links; bare domains and other schemes stay text", async () => {
    const { html } = await formatStatusText(app.ctx, "see https://example.com/a?b=1&c=2. or example.org or javascript:alert(1)");
    assert.match(html, /<a href="https:\/\/example\.com\/a\?b=1&amp;c=2" rel="nofollow noopener noreferrer" target="_blank">/);
    assert.match(html, /<span class="invisible">https:\/\/<\/span><span>example\.com\/a\?b=1&amp;c=2<\/span>/);
    assert.doesNotMatch(html, /href="http:\/\/example\.org/);
    assert.match(html, /or javascript:alert\(1\)/);
    assertSafe(html);
  });

  test("long URLs are cut for display, not in the href", async () => {
    const url = "https://example.com/" + "x".repeat(60);
    const { html } = await formatStatusText(app.ctx, url);
    assert.ok(html.includes(`href="${url}"`));
    assert.match(html, /<span class="ellipsis">example\.com\/x{18}<\/span><span class="invisible">x{42}<\/span>/);
  });

  test("mentions of known accounts are linked and reported; unknown ones stay text", async () => {
    const r = await formatStatusText(app.ctx, "hi @alice and @ALICE@caracol.test and @bob@remote.example and @nobody and @bob");
    assert.deepEqual(new Set(r.mentionedAccountIds), new Set([alice.id, remoteId]));
    assert.equal(r.mentionedAccountIds.length, 2);
    assert.match(r.html, /<span class="h-card" translate="no"><a href="http:\/\/caracol\.test\/@alice" class="u-url mention">@<span>alice<\/span><\/a><\/span>/);
    assert.match(r.html, /<a href="https:\/\/remote\.example\/@bob" class="u-url mention">@<span>bob<\/span><\/a>/);
    assert.match(r.html, /and @nobody and @bob<\/p>$/);
  });

  test("e-mail addresses and URL paths are not mentions", async () => {
    const r = await formatStatusText(app.ctx, "mail alice@caracol.test or https://caracol.test/@alice");
    assert.deepEqual(r.mentionedAccountIds, []);
    assert.doesNotMatch(r.html, /u-url mention/);
  });

  test("hashtags are linked and collected once, case-insensitively", async () => {
    const r = await formatStatusText(app.ctx, "#Caracol #caracol #café #123 a#b https://x.example/#frag");
    assert.deepEqual(r.tags, ["Caracol", "café"]);
    assert.match(r.html, /<a href="http:\/\/caracol\.test\/tags\/Caracol" class="mention hashtag" rel="tag">#<span>Caracol<\/span><\/a>/);
    assert.match(r.html, /tags\/caf%C3%A9/);
    assert.match(r.html, /#123 a#b/);
  });

  const hostile = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<p>unbalanced <b>tags",
    "</p></span></a><p onclick=alert(1)>",
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/<script>alert(1)</script>",
    "@alice<script>x</script> #tag<img>",
    "<style>*{display:none}</style>",
    "&lt;script&gt; &amp; &#x3C;",
  ];
  for (const input of hostile) {
    test(`hostile input stays text: ${input}`, async () => {
      const { html } = await formatStatusText(app.ctx, input);
      assertSafe(html);
      assert.ok(!html.includes("<script"), html);
    });
  }

  test("typed HTML is shown literally", async () => {
    const { html } = await formatStatusText(app.ctx, '<a href="javascript:alert(1)">x</a>');
    assert.equal(html, "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>");
  });

  test("unicode survives, NUL bytes are dropped", async () => {
    const { html } = await formatStatusText(app.ctx, "日本語 🐌 👩‍👩‍👧 ١٢٣ \u0000end");
    assert.equal(html, "<p>日本語 🐌 👩‍👩‍👧 ١٢٣ end</p>");
  });

  test("very long input is handled quickly and safely", async () => {
    const input = "<b>x</b> @alice #tag https://example.com/ ".repeat(5000);
    const started = Date.now();
    const { html, tags, mentionedAccountIds } = await formatStatusText(app.ctx, input);
    assert.ok(Date.now() - started < 5000);
    assertSafe(html);
    assert.deepEqual(tags, ["tag"]);
    assert.deepEqual(mentionedAccountIds, [alice.id]);
  });
});

describe("formatNote", () => {
  test("formats a bio the same way", async () => {
    const html = await formatNote(app.ctx, "I'm @alice.\n#snails <3");
    assert.match(html, /^<p>I&#39;m <span class="h-card"/);
    assert.match(html, /<br><a href="http:\/\/caracol\.test\/tags\/snails" class="mention hashtag" rel="tag">/);
    assert.match(html, /&lt;3<\/p>$/);
  });
});

describe("countStatusChars", () => {
  test("counts code points, URLs as 23 and remote mentions by their local part", () => {
    assert.equal(countStatusChars("🐌🐌"), 2);
    assert.equal(countStatusChars("a https://example.com/" + "x".repeat(100)), 2 + 23);
    assert.equal(countStatusChars("@bob@remote.example"), 4);
  });
});

describe("sanitizeHtml", () => {
  const cases: [string, string][] = [
    ["<p>hi<script>alert(1)</script></p>", "<p>hi</p>"],
    ['<img src=x onerror="alert(1)">ok', "ok"],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    ['<a href="java&#x09;script:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    ['<a href="//evil.example">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    ['<a href="data:text/html,x">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    ["<p>unbalanced <b>bold <i>it</p>", "<p>unbalanced <b>bold <i>it</i></b></p>"],
    ["<style>*{}</style><svg><script>x</script></svg><iframe src=x></iframe>text", "text"],
    ['<p style="color:red" onmouseover="x">s</p>', "<p>s</p>"],
    ['<a href="https://ok.example" onclick="x" class="mention evil" target="_self">y</a>', '<a href="https://ok.example" class="mention" target="_blank" rel="nofollow noopener noreferrer">y</a>'],
    [
      '<span class="h-card x"><a href="https://r.example/@b" class="u-url mention">@<span>b</span></a></span>',
      '<span class="h-card"><a href="https://r.example/@b" class="u-url mention" rel="nofollow noopener noreferrer" target="_blank">@<span>b</span></a></span>',
    ],
  ];
  for (const [input, expected] of cases) {
    test(`sanitizes ${input}`, () => {
      assert.equal(sanitizeHtml(input), expected);
    });
  }
  test("our own output keeps its links, mentions and hashtags", async () => {
    const { html } = await formatStatusText(app.ctx, "hi @alice #tag https://example.com/x\nnext");
    const clean = sanitizeHtml(html);
    assert.match(clean, /<span class="h-card" translate="no"><a href="http:\/\/caracol\.test\/@alice" class="u-url mention"/);
    assert.match(clean, /<a href="http:\/\/caracol\.test\/tags\/tag" class="mention hashtag" rel="tag nofollow noopener noreferrer"/);
    assert.match(clean, /<a href="https:\/\/example\.com\/x" rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https:\/\/<\/span>/);
    assert.match(clean, /<br \/>next<\/p>$/);
  });
});
