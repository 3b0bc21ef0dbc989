// A small browser for tests of the web pages: keeps cookies between requests, follows local
// redirects on GET, and submits the real forms it finds in the HTML, as a person would.
// It drives either a TestApp (in process) or a real server (base URL, over HTTP).
import type { TestApp } from "./app.ts";

export type Page = { status: number; url: string; html: string; headers: Headers; res: Response };

type Target = string | Pick<TestApp, "request" | "config">;

const decode = (s: string) =>
  s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

export class Browser {
  readonly target: Target;
  readonly origin: string;
  readonly cookies = new Map<string, string>();
  /** every Set-Cookie header seen, for tests of cookie attributes */
  readonly setCookies: string[] = [];

  constructor(target: Target) {
    this.target = target;
    this.origin = typeof target === "string" ? new URL(target).origin : target.config.origin;
  }

  private store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === "" || attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, redirects not followed; cookies sent and stored. */
  async request(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin);
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res =
      typeof this.target === "string"
        ? await fetch(url, { ...init, headers, redirect: "manual" })
        : await this.target.request(url.pathname + url.search, { ...init, headers });
    this.store(res);
    return res;
  }

  /** GETs a page, following redirects that stay on this site. */
  async get(pathOrUrl: string): Promise<Page> {
    let url = new URL(pathOrUrl, this.origin).toString();
    for (let hops = 0; hops < 10; hops++) {
      const res = await this.request(url);
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        if (next.origin === this.origin) {
          url = next.toString();
          continue;
        }
      }
      return { status: res.status, url, html: await res.clone().text(), headers: res.headers, res };
    }
    throw new Error(`too many redirects from ${pathOrUrl}`);
  }

  async post(pathOrUrl: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(pathOrUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Submits the form of `html` whose action contains `action`, with its own fields (hidden
   * inputs, pre-filled values) overridden by `fields`, and the given submit button if any.
   * Redirects are not followed, so the answer to the POST itself can be checked.
   */
  async submit(html: string, pageUrl: string, action: string, fields: Record<string, string> = {}, submitter?: { name: string; value: string }): Promise<Response> {
    const form = findForm(html, action);
    const data = { ...form.fields, ...fields };
    if (submitter) data[submitter.name] = submitter.value;
    return this.post(new URL(form.action, pageUrl).toString(), data);
  }

  /** Signs in through the real form; returns the response to the POST. */
  async signIn(login: string, password: string, returnTo?: string): Promise<Response> {
    const page = await this.get(`/auth/sign_in${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ""}`);
    return this.submit(page.html, page.url, "/auth/sign_in", { username: login, password });
  }
}

/** The action and the pre-filled fields of the first form whose action contains `action`. */
export function findForm(html: string, action: string): { action: string; fields: Record<string, string> } {
  for (const m of html.matchAll(/<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const formAction = decode(m[1]);
    if (!formAction.includes(action)) continue;
    const fields: Record<string, string> = {};
    for (const input of m[2].matchAll(/<input\b([^>]*)>/g)) {
      const attrs = input[1];
      const name = attrs.match(/\bname="([^"]*)"/)?.[1];
      const value = attrs.match(/\bvalue="([^"]*)"/)?.[1];
      const type = attrs.match(/\btype="([^"]*)"/)?.[1] ?? "text";
      if (!name || value === undefined || type === "checkbox" || type === "submit") continue;
      fields[decode(name)] = decode(value);
    }
    return { action: formAction, fields };
  }
  throw new Error(`no form posting to ${action} in:\n${html}`);
}

/** The hidden and pre-filled inputs of the form that posts to `action`. */
export const formFields = (html: string, action: string) => findForm(html, action).fields;

export function csrfToken(html: string): string {
  const m = html.match(/name="authenticity_token" value="([^"]+)"/);
  if (!m) throw new Error("no CSRF token in the page");
  return m[1];
}
