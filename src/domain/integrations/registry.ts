// Every third-party service Caracol can talk to, declared as data: what it does, exactly which
// fields it sends where, and its options. Admins see this list before enabling anything
// (`integration list`, GET /api/v1/caracol/admin/integrations), and send.ts refuses any field
// an integration did not declare, so the list cannot drift from what is really sent.
import { z } from "zod";

/** One field that leaves the server: its name in the request, and what it holds. */
export type SentField = { field: string; holds: string };

export type Integration = {
  name: string;
  description: string;
  /** where requests go: the linked page itself, or an endpoint named by an option */
  destination: { kind: "linked_page" } | { kind: "option"; option: string };
  method: "GET" | "POST";
  /** the request body's fields; a GET sends none beyond its URL */
  sends: readonly SentField[];
  /** never sent, whatever the payload: stated so that admins need not read the code */
  neverSends: readonly string[];
  options: z.ZodObject<Record<string, z.ZodType<string | undefined>>>;
  /** whether it is built, or only declared so that its guarantees are in place */
  implemented: boolean;
};

const NEVER = [
  "non-public posts (unlisted, authenticated, circle, local, followers-only, direct)",
  "IP addresses or user agents of anyone (only Caracol's own User-Agent)",
  "cookies, tokens or other request headers of our users",
  "who wrote, viewed or asked for the post",
] as const;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const INTEGRATIONS = {
  "link-previews": {
    name: "link-previews",
    description: "Preview cards: fetches the first link of a public post and shows its title, description and image",
    destination: { kind: "linked_page" },
    method: "GET",
    sends: [{ field: "url", holds: "the first http(s) link of a public post (a GET of that page, no body)" }],
    neverSends: NEVER,
    options: z.object({}),
    implemented: true,
  },
  translation: {
    name: "translation",
    description: "Translates public posts on request, through a LibreTranslate-compatible service",
    destination: { kind: "option", option: "endpoint" },
    method: "POST",
    sends: [
      { field: "q", holds: "the post's content warning or text (HTML), one at a time" },
      { field: "source", holds: "the post's language, or auto" },
      { field: "target", holds: "the language asked for" },
      { field: "format", holds: "html" },
      { field: "api_key", holds: "the API key option, when set" },
    ],
    neverSends: NEVER,
    options: z.object({ endpoint: httpUrl, api_key: z.string().max(500).optional() }),
    implemented: true,
  },
  "safety-check": {
    name: "safety-check",
    description: "Spam and safety checking of public posts by an outside service (declared only: no checker is built yet)",
    destination: { kind: "option", option: "endpoint" },
    method: "POST",
    sends: [
      { field: "content", holds: "the post's text (HTML)" },
      { field: "url", holds: "the post's public URL" },
    ],
    neverSends: NEVER,
    options: z.object({ endpoint: httpUrl }),
    implemented: false,
  },
} as const satisfies Record<string, Integration>;

export type IntegrationName = keyof typeof INTEGRATIONS;

export function isIntegrationName(name: string): name is IntegrationName {
  return Object.hasOwn(INTEGRATIONS, name);
}

/** The machine-readable description shown to admins. */
export function describeIntegration(i: Integration) {
  return {
    name: i.name,
    description: i.description,
    implemented: i.implemented,
    method: i.method,
    destination: i.destination.kind === "linked_page" ? "the linked page" : `the ${i.destination.option} option`,
    sends: i.sends.map((f) => ({ field: f.field, holds: f.holds })),
    never_sends: [...i.neverSends],
    options: Object.keys(i.options.shape),
  };
}
