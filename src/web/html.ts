// HTML for the server-rendered pages. Everything interpolated into `html` is escaped unless it
// is itself the output of `html`, so user-supplied text cannot become markup by accident.
import type { Context } from "hono";
import type { AppEnv } from "../mastodon/env.ts";

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

const CSS = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f4f1ec}
header,footer{padding:.75rem 1rem;background:#2f3b4c;color:#fff}
header a,footer a{color:#fff}
footer{background:none;color:#555;font-size:.9rem}footer a{color:#2f3b4c;margin-right:1rem}
main{max-width:34rem;margin:1.5rem auto;padding:1.25rem 1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
label{display:block;font-weight:600;margin-top:1rem}
input[type=text],input[type=email],input[type=password],textarea{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #8a94a3;border-radius:4px}
input:focus,textarea:focus,button:focus{outline:3px solid #e0a93b;outline-offset:1px}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
button{margin-top:1.25rem;padding:.55rem 1.1rem;font:inherit;border:0;border-radius:4px;background:#2f3b4c;color:#fff;cursor:pointer}
button.secondary{background:#e3e6ea;color:#1d2430}
.error{background:#fde8e8;border-left:4px solid #b42318;padding:.5rem .75rem}
.notice{background:#eef4ff;border-left:4px solid #2f5bb7;padding:.5rem .75rem}
.warning{background:#fff5e0;border-left:4px solid #b26b00;padding:.5rem .75rem}
code{word-break:break-all;background:#eef0f3;padding:.1rem .3rem}
`;

export type PageOptions = { title: string; body: SafeHtml; lang?: string; signedInAs?: string | null };

export function layout(c: Context<AppEnv>, opts: PageOptions): string {
  const name = c.var.ctx.config.instanceName;
  const lang = opts.lang && /^[a-z]{2,3}$/.test(opts.lang) ? opts.lang : "en";
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${opts.title} · ${name}</title>
<style>${new SafeHtml(CSS)}</style>
</head>
<body>
<header><a href="/">${name}</a>${opts.signedInAs ? html` · signed in as @${opts.signedInAs}` : ""}</header>
<main>
<h1>${opts.title}</h1>
${opts.body}
</main>
<footer><nav aria-label="About this server"><a href="/about">About</a><a href="/terms">Terms</a><a href="/privacy">Privacy</a></nav></footer>
</body>
</html>`.value;
}

/** Sends a page with headers that keep it out of frames, caches and other origins' reach. */
export function page(c: Context<AppEnv>, opts: PageOptions, status = 200): Response {
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'");
  c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", "no-store");
  return c.html(layout(c, opts), status as 200);
}

export function errorPage(c: Context<AppEnv>, status: number, title: string, message: string): Response {
  return page(c, { title, body: html`<p class="error" role="alert">${message}</p><p><a href="/">Back to the home page</a></p>` }, status);
}

/** A local path that is safe to redirect to after sign-in: same origin, no scheme, no `//host`. */
export function safeReturnTo(c: Context<AppEnv>, value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 4000) return null;
  if (value.startsWith("//") || value.includes("\\") || /[\u0000-\u001f\u007f]/.test(value)) return null;
  const origin = c.var.ctx.config.origin;
  try {
    const url = new URL(value, origin);
    if (url.origin !== origin) return null;
    return url.pathname + url.search;
  } catch {
    return null;
  }
}
