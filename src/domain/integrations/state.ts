// Whether each integration is on, and its options, in the `integrations` run-time setting.
// Absent means off: a fresh install sends nothing to anyone.
import type { Ctx } from "../context.ts";
import { getSetting, setSetting } from "../instance/settings.ts";
import { INTEGRATIONS, isIntegrationName, type IntegrationName } from "./registry.ts";

export class IntegrationError extends Error {
  readonly kind: "unknown" | "invalid" | "off" | "refused" | "failed";
  constructor(kind: IntegrationError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** enabledAt: when it was last turned on; what was written before that is never sent */
export type IntegrationState = { enabled: boolean; enabledAt?: string; options: Record<string, string> };

export function checkIntegrationName(name: string): IntegrationName {
  if (!isIntegrationName(name)) throw new IntegrationError("unknown", `no integration named ${name} (known: ${Object.keys(INTEGRATIONS).join(", ")})`);
  return name;
}

export async function integrationState(ctx: Ctx, name: IntegrationName): Promise<IntegrationState> {
  const all = await getSetting(ctx, "integrations");
  return all[name] ?? { enabled: false, options: {} };
}

export async function isIntegrationEnabled(ctx: Ctx, name: IntegrationName): Promise<boolean> {
  return (await integrationState(ctx, name)).enabled;
}

/** Validates options against the integration's schema (merged over the stored ones). */
export async function checkOptions(ctx: Ctx, name: IntegrationName, options: Record<string, string>): Promise<Record<string, string>> {
  const merged = { ...(await integrationState(ctx, name)).options, ...options };
  const parsed = INTEGRATIONS[name].options.strict().safeParse(merged);
  if (!parsed.success) throw new IntegrationError("invalid", parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; "));
  return Object.fromEntries(Object.entries(parsed.data as Record<string, string | undefined>).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Turning one off keeps its options, so that turning it on again needs no retyping. */
export async function setIntegration(ctx: Ctx, name: IntegrationName, enabled: boolean, options: Record<string, string> = {}): Promise<IntegrationState> {
  const checked = enabled || Object.keys(options).length ? await checkOptions(ctx, name, options) : (await integrationState(ctx, name)).options;
  if (enabled && !INTEGRATIONS[name].implemented) throw new IntegrationError("invalid", `${name} is declared but not built yet; it cannot be enabled`);
  const all = await getSetting(ctx, "integrations");
  const before = all[name];
  const enabledAt = enabled ? (before?.enabled && before.enabledAt ? before.enabledAt : new Date().toISOString()) : undefined;
  const next = { ...all, [name]: { enabled, ...(enabledAt ? { enabledAt } : {}), options: checked } };
  return (await setSetting(ctx, "integrations", next))[name]!;
}
