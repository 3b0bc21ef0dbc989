// Detection as reads arrive. Each recorded request may trigger an evaluation of its client's
// keys; to keep the cost bounded, a key is evaluated at most once per EVALUATE_EVERY of its
// reads, or after EVALUATE_AFTER_MS has passed (per process), each time with one indexed query
// of that key's recent reads. A job would add a minute of delay and a scan of every client;
// this way only active clients are looked at, when they are active.
import type { Ctx } from "../../context.ts";
import { raiseAlert, type Alert } from "./alerts.ts";
import { clientKeys, recentReads, signUpRange, type Client, type ClientKey } from "./records.ts";
import { effectiveRules, evaluateRules } from "./rules.ts";
import { accessRecords } from "../../../db/schema/index.ts";

export const EVALUATE_EVERY = 20;
export const EVALUATE_AFTER_MS = 60_000;

type Pace = { reads: number; lastAt: number };

function due(ctx: Ctx, key: ClientKey, now: number): boolean {
  const name = `detection:pace:${key.kind}:${key.value}`;
  const hit = ctx.cache.get(name);
  const pace: Pace = hit && hit.until > now ? (hit.value as Pace) : { reads: 0, lastAt: now };
  pace.reads++;
  const isDue = pace.reads >= EVALUATE_EVERY || now - pace.lastAt >= EVALUATE_AFTER_MS;
  if (isDue) {
    pace.reads = 0;
    pace.lastAt = now;
  }
  // forgotten when the client goes quiet for a while, so idle clients cost no memory
  ctx.cache.set(name, { value: pace, until: now + 10 * EVALUATE_AFTER_MS });
  return isDue;
}

/** Runs the rules for one key now, and raises or refreshes an alert for each that fires. */
export async function evaluateKey(ctx: Ctx, key: ClientKey, now: number): Promise<Alert[]> {
  const reads = await recentReads(ctx, key, now);
  const findings = evaluateRules(effectiveRules(ctx.config.detectionRules), key.kind, reads, now);
  const raised: Alert[] = [];
  for (const f of findings) raised.push(await raiseAlert(ctx, key, f, new Date(now)));
  return raised;
}

/** After a read was recorded: evaluates those of the client's keys whose turn it is. */
export async function afterRead(ctx: Ctx, client: Client, now: number): Promise<void> {
  for (const key of clientKeys(client)) if (due(ctx, key, now)) await evaluateKey(ctx, key, now);
}

/**
 * The sign-up hook: records that an account was created from this address's range and checks
 * the sign-ups-per-range rule at once (sign-ups are rare; no pacing needed).
 */
export async function recordSignUp(ctx: Ctx, address: string | null, now: number = Date.now()): Promise<void> {
  const range = signUpRange(address);
  if (!range || ctx.config.ipRetentionHours <= 0) return;
  await ctx.db.insert(accessRecords).values({ at: new Date(now), ip: null, kind: "sign_up", target: range });
  await evaluateKey(ctx, { kind: "range", value: range }, now);
}
