// Reading a linked page's preview: OpenGraph, then Twitter card tags, then <title> and the
// description meta tag. Regular expressions over the first part of the page are enough for
// meta tags, and keep an HTML parser out of the server.

export type PageMeta = { title: string; description: string; siteName: string; author: string; image: string | null; width: number; height: number };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decode(text: string): string {
  return text
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
      }
      return ENTITIES[e.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([a-z:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) out.set(m[1]!.toLowerCase(), m[3] ?? m[4] ?? m[5] ?? "");
  return out;
}

export function readPageMeta(html: string, pageUrl: string): PageMeta {
  const head = html.slice(0, 256 * 1024);
  const meta = new Map<string, string>();
  for (const m of head.matchAll(/<meta\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const key = (a.get("property") ?? a.get("name") ?? "").toLowerCase();
    const content = a.get("content");
    if (key && content !== undefined && !meta.has(key)) meta.set(key, decode(content));
  }
  const titleTag = head.match(/<title\b[^>]*>([\s\S]*?)<\/title>/i)?.[1];
  const pick = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v) ?? "";
  const imageText = pick("og:image", "og:image:url", "twitter:image", "twitter:image:src");
  let image: string | null = null;
  try {
    const u = imageText ? new URL(imageText, pageUrl) : null;
    if (u && (u.protocol === "https:" || u.protocol === "http:")) image = u.href;
  } catch {
    image = null;
  }
  const size = (k: string) => Math.max(0, Math.min(100_000, parseInt(meta.get(k) ?? "0", 10) || 0));
  return {
    title: pick("og:title", "twitter:title") || decode(titleTag ?? ""),
    description: pick("og:description", "twitter:description", "description"),
    siteName: pick("og:site_name"),
    author: pick("author", "article:author"),
    image,
    width: image ? size("og:image:width") : 0,
    height: image ? size("og:image:height") : 0,
  };
}

/**
 * The first http(s) link of a post's HTML that is not a mention or a hashtag (as Mastodon
 * picks it), or null.
 */
export function firstLink(html: string): string | null {
  for (const m of html.matchAll(/<a\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const classes = (a.get("class") ?? "").split(/\s+/);
    if (classes.includes("mention") || classes.includes("hashtag") || /\btag\b/.test(a.get("rel") ?? "")) continue;
    const href = decode(a.get("href") ?? "");
    try {
      const u = new URL(href);
      if ((u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password) return u.href;
    } catch {
      continue;
    }
  }
  return null;
}
