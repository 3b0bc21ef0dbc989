// Alerts: one open alert per (rule, client key), raised when a rule fires and updated with the
// latest evidence each time it fires again, until an admin resolves it.
import { and, desc, eq, sql } from "drizzle-orm";
import { detectionAlerts } from "../../../db/schema/index.ts";
import type { Ctx } from "../../context.ts";
import { newId } from "../../../lib/id.ts";
import type { ClientKey } from "./records.ts";
import type { Finding } from "./rules.ts";

export type Alert = typeof detectionAlerts.$inferSelect;

/** Opens the alert for (rule, key), or refreshes the open one's evidence and last-seen time. */
export async function raiseAlert(ctx: Ctx, key: ClientKey, finding: Finding, at: Date): Promise<Alert> {
  const evidence = { ...finding.evidence, rule: finding.rule.description };
  const [row] = await ctx.db
    .insert(detectionAlerts)
    .values({ id: newId(at), rule: finding.rule.name, keyKind: key.kind, keyValue: key.value, firstSeenAt: at, lastSeenAt: at, evidence })
    .onConflictDoUpdate({
      target: [detectionAlerts.rule, detectionAlerts.keyKind, detectionAlerts.keyValue],
      targetWhere: sql`${detectionAlerts.state} = 'open'`,
      set: { lastSeenAt: at, evidence },
    })
    .returning();
  return row!;
}

export async function listAlerts(ctx: Ctx, opts: { state?: "open" | "resolved"; limit?: number } = {}): Promise<Alert[]> {
  return ctx.db
    .select()
    .from(detectionAlerts)
    .where(opts.state ? eq(detectionAlerts.state, opts.state) : undefined)
    .orderBy(desc(detectionAlerts.lastSeenAt))
    .limit(opts.limit ?? 100);
}

export async function alertById(ctx: Ctx, id: string): Promise<Alert | null> {
  if (!/^\d{1,20}$/.test(id)) return null;
  const [row] = await ctx.db.select().from(detectionAlerts).where(eq(detectionAlerts.id, id));
  return row ?? null;
}

/** Notes on the alert what an admin did; `resolve` also closes it. */
export async function noteResponse(ctx: Ctx, alert: Alert, line: string, resolve = false): Promise<Alert> {
  const [row] = await ctx.db
    .update(detectionAlerts)
    .set({
      responses: [...alert.responses, `${new Date().toISOString()} ${line}`],
      ...(resolve ? { state: "resolved" as const, resolvedAt: new Date() } : {}),
    })
    .where(and(eq(detectionAlerts.id, alert.id)))
    .returning();
  return row!;
}

/** One line per alert, for the CLI. */
export function describeAlert(a: Alert): string {
  const ev = a.evidence as { count?: number; threshold?: number; window_minutes?: number };
  return `${a.id}\t${a.state}\t${a.rule}\t${a.keyKind}:${a.keyValue}\t${ev.count ?? "?"}/${ev.threshold ?? "?"} in ${ev.window_minutes ?? "?"} min\tlast ${a.lastSeenAt.toISOString()}`;
}
