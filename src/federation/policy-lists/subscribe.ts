// Subscribing: fetch the list once and show what it would do; only when applied is the
// subscription stored and the list applied. A circle's document also creates the local mirror
// circle its members are copied into.
import type { Ctx } from "../../domain/context.ts";
import { createMirrorCircle, deleteCircle, type Circle } from "../../domain/federation-policy/circles.ts";
import type { ParseReport } from "../../domain/federation-policy/lists/index.ts";
import { checkSubscriptionInput, createSubscription, listSubscriptions, SubscriptionError, type SubscriptionInput } from "../../domain/federation-policy/subscriptions.ts";
import type { SyncPlan } from "../../domain/federation-policy/sync.ts";
import { previewSource, syncSubscription, type SyncResult } from "./sync-subscription.ts";

export type SubscribeResult =
  | { applied: false; report: ParseReport | null; plan: SyncPlan | null; error: string | null }
  | { applied: true; result: SyncResult; circle: Circle | null };

async function refuseDuplicate(ctx: Ctx, source: string): Promise<void> {
  const dup = (await listSubscriptions(ctx)).find((s) => s.source === source);
  if (dup) throw new SubscriptionError("conflict", `already subscribed to ${source} (subscription ${dup.id})`);
}

export async function addSubscription(ctx: Ctx, input: SubscriptionInput, opts: { apply: boolean }): Promise<SubscribeResult> {
  const v = checkSubscriptionInput(ctx, input);
  await refuseDuplicate(ctx, v.source);
  const preview = await previewSource(ctx, { ...v, circle: v.format === "caracol-circle" });
  if (preview.error || !opts.apply) return { applied: false, ...preview };
  if (preview.report?.circle) return subscribeCircle(ctx, input.source, { ...opts, input });
  const sub = await createSubscription(ctx, v);
  return { applied: true, result: await syncSubscription(ctx, sub.id, { apply: true }), circle: null };
}

/** Subscribes to a circle document (ours or an Akkoma NodeInfo bubble) and mirrors it. */
export async function subscribeCircle(ctx: Ctx, url: string, opts: { apply: boolean; input?: Partial<SubscriptionInput> }): Promise<SubscribeResult> {
  const v = checkSubscriptionInput(ctx, { name: "circle", ...opts.input, source: url, format: "caracol-circle" });
  await refuseDuplicate(ctx, v.source);
  const preview = await previewSource(ctx, { ...v, circle: true });
  if (preview.error || !opts.apply) return { applied: false, ...preview };
  const info = preview.report!.circle!;
  const circle = await createMirrorCircle(ctx, info.name ?? new URL(v.source).hostname, v.source);
  try {
    const sub = await createSubscription(ctx, { ...v, name: opts.input?.name && opts.input.name !== "circle" ? opts.input.name : circle.name }, circle.id);
    return { applied: true, result: await syncSubscription(ctx, sub.id, { apply: true }), circle };
  } catch (e) {
    await deleteCircle(ctx, circle.id);
    throw e;
  }
}
