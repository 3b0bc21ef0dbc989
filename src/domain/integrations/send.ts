// THE choke point: every request of every integration goes through sendToIntegration, which
// refuses it unless (1) the integration is on, (2) the post the payload was built from is
// public and may leave this server, (3) it goes where the integration declared, and (4) it
// carries only the fields the integration declared. It builds the request headers itself (our
// own User-Agent, Accept, Content-Type) and takes none from the caller, so no header of the
// person who asked (address, X-Forwarded-For, user agent, cookies) can be passed along.
import type { Audience } from "../../db/schema/statuses.ts";
import { CARACOL_VERSION } from "../../lib/version.ts";
import type { Ctx } from "../context.ts";
import { INTEGRATIONS, type IntegrationName } from "./registry.ts";
import { IntegrationError, integrationState } from "./state.ts";
import { isOpenToEveryone } from "../audience/gate.ts";

/** What the choke point knows of the post a payload comes from (a status row fits). */
export type PostFacts = { audience: Audience; localOnly: boolean };

export type TransportRequest = {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  maxBytes: number;
  timeoutMs: number;
};
export type TransportResponse = { status: number; url: string; contentType: string; body: string };
/** The HTTP client underneath (safeFetch in the server; see src/server/integrations.ts). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * Only public posts leave through an integration. Unlisted ones are refused too: Mastodon
 * translates them, but their authors asked to keep them out of public view, and Caracol shows
 * them to signed-in viewers only; handing them to a third party would undo that.
 */
export function mayLeaveThroughIntegration(post: PostFacts): boolean {
  return isOpenToEveryone(post);
}

export type IntegrationCall = {
  url: string;
  /** JSON body fields; only those the integration declared are accepted */
  body?: Record<string, string>;
  accept: string;
  maxBytes?: number;
  timeoutMs?: number;
};

export async function sendToIntegration(ctx: Ctx, transport: Transport, name: IntegrationName, post: PostFacts, call: IntegrationCall): Promise<TransportResponse> {
  const integration = INTEGRATIONS[name];
  const state = await integrationState(ctx, name);
  if (!state.enabled) throw new IntegrationError("off", `the ${name} integration is off`);
  if (!mayLeaveThroughIntegration(post)) throw new IntegrationError("refused", `only public posts are sent to the ${name} integration`);
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    throw new IntegrationError("refused", `not a URL: ${call.url}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new IntegrationError("refused", `only http(s) URLs are fetched`);
  if (url.username || url.password) throw new IntegrationError("refused", "URLs with credentials are not fetched");
  const { destination } = integration;
  if (destination.kind === "option" && url.href !== new URL(state.options[destination.option] ?? "about:blank").href) {
    throw new IntegrationError("refused", `the ${name} integration sends only to its ${destination.option} option`);
  }
  const declared = new Set<string>(integration.sends.map((f) => f.field));
  if (integration.method === "GET" && call.body) throw new IntegrationError("refused", `the ${name} integration sends no body`);
  for (const field of Object.keys(call.body ?? {})) {
    if (!declared.has(field)) throw new IntegrationError("refused", `the ${name} integration does not declare the field ${field}`);
  }
  const headers: Record<string, string> = { "user-agent": `Caracol/${CARACOL_VERSION} (+${ctx.config.origin})`, accept: call.accept };
  if (call.body) headers["content-type"] = "application/json";
  return transport({
    url: url.href,
    method: integration.method,
    headers,
    body: call.body ? JSON.stringify(call.body) : undefined,
    maxBytes: call.maxBytes ?? 512 * 1024,
    timeoutMs: call.timeoutMs ?? 10_000,
  });
}
