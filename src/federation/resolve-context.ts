// How code outside Fedify's own callbacks (the Mastodon API routes) gets a Fedify Context for
// remote resolution: the federation registers itself against the app's Ctx when the inbox is
// wired, and routes ask for a context by that Ctx. Keyed by the Ctx object, so several apps in
// one process (tests) keep apart.
import type { Context, Federation } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { Ctx } from "../domain/context.ts";

export type FedCtx = Context<Ctx>;

export const resolveLogger = getLogger(["caracol", "federation", "resolve"]);

const federations = new WeakMap<Ctx, Federation<Ctx>>();

export function rememberFederation(ctx: Ctx, federation: Federation<Ctx>): void {
  federations.set(ctx, federation);
}

/** A Fedify context for work done on the server's own behalf; null before federation is wired. */
export function federationContext(ctx: Ctx): FedCtx | null {
  const federation = federations.get(ctx);
  return federation ? federation.createContext(new URL(ctx.config.origin), ctx) : null;
}

/** Bounds how many documents one piece of work (a thread, a search) may fetch. */
export type FetchBudget = { left: number };

export function budget(n: number): FetchBudget {
  return { left: n };
}

/** Takes one fetch from the budget; false when it is spent. */
export function spend(b: FetchBudget | undefined): boolean {
  if (!b) return true;
  if (b.left <= 0) return false;
  b.left--;
  return true;
}
