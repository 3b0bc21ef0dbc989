// The only module that reads process.env. Everything else receives a frozen Config.
import path from "node:path";
import { z } from "zod";
import { formatRange, parseRange } from "../lib/ip.ts";
import { DETECTION_RULE_NAMES, type RuleOverrides } from "../domain/abuse/detection/rules.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  CARACOL_ORIGIN: z
    .url({ protocol: /^https?$/ })
    .default("http://localhost:3000")
    .transform((u) => new URL(u).origin),
  CARACOL_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  CARACOL_ALLOW_PRIVATE_ADDRESS: bool.default(false),
  CARACOL_INSTANCE_NAME: z.string().min(1).max(100).default("Caracol"),
  CARACOL_REGISTRATIONS: z.enum(["open", "approval", "closed"]).default("approval"),
  CARACOL_MAX_STATUS_CHARS: z.coerce.number().int().min(1).max(100_000).default(5000),
  CARACOL_ACCESS_TOKEN_TTL_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
  CARACOL_SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  CARACOL_LOG_LEVEL: z.enum(["debug", "info", "warning", "error"]).default("info"),
  CARACOL_ADMIN_SOCKET: bool.default(true),
  CARACOL_REQUIRE_SIGNED_FETCH: bool.default(true),
  CARACOL_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const ranges = v.split(",").map((s) => s.trim()).filter(Boolean);
      const bad = ranges.filter((r) => !parseRange(r));
      if (bad.length) ctx.addIssue({ code: "custom", message: `not an IP address or CIDR range: ${bad.join(", ")}` });
      return bad.length ? [] : ranges.map((r) => formatRange(parseRange(r)!));
    }),
  CARACOL_RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  CARACOL_RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().max(1000).default(1),
  CARACOL_IP_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 90).default(24),
  // JSON: {"distinct_profiles": {"threshold": 150, "window_minutes": 10, "enabled": true}, ...}
  CARACOL_DETECTION_RULES: z
    .string()
    .default("{}")
    .transform((v, ctx): RuleOverrides => {
      let json: unknown;
      try {
        json = JSON.parse(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return {};
      }
      const rule = z.strictObject({ threshold: z.number().int().positive().max(1_000_000).optional(), window_minutes: z.number().int().positive().max(1440).optional(), enabled: z.boolean().optional() });
      const parsed = z.partialRecord(z.enum(DETECTION_RULE_NAMES as [string, ...string[]]), rule).safeParse(json);
      if (!parsed.success) {
        for (const i of parsed.error.issues) ctx.addIssue({ code: "custom", message: `${i.path.join(".") || "rules"}: ${i.message}` });
        return {};
      }
      return Object.fromEntries(Object.entries(parsed.data).map(([k, o]) => [k, { threshold: o?.threshold, windowMinutes: o?.window_minutes, enabled: o?.enabled }]));
    }),
  CARACOL_MEDIA_DIR: z.string().min(1).optional(),
  CARACOL_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(16),
  CARACOL_MEDIA_PROXY: bool.default(true),
  CARACOL_MEDIA_PROXY_MAX_MB: z.coerce.number().positive().max(1024).default(40),
});

export type Config = Readonly<{
  port: number;
  host: string | undefined;
  origin: string;
  /** Host (with port) of `origin`, which is the local domain of acct: handles. */
  domain: string;
  secureCookies: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  allowPrivateAddress: boolean;
  instanceName: string;
  registrations: "open" | "approval" | "closed";
  maxStatusChars: number;
  accessTokenTtlDays: number;
  sessionTtlDays: number;
  logLevel: "debug" | "info" | "warning" | "error";
  adminSocket: boolean;
  /** ActivityPub GETs need an HTTP signature (authorized fetch) */
  requireSignedFetch: boolean;
  /** canonical CIDR ranges of reverse proxies whose X-Forwarded-For is believed */
  trustedProxies: readonly string[];
  rateLimits: boolean;
  /** scales every rate limit (2 doubles them) */
  rateLimitMultiplier: number;
  /** hours that sign-in addresses and user agents are kept; 0: never stored */
  ipRetentionHours: number;
  /** threshold, window and on/off of each scraping-detection rule, by rule name */
  detectionRules: RuleOverrides;
  /** where uploaded media files live; default `<dataDir>/media` */
  mediaDir: string;
  /** largest accepted upload, in bytes (CARACOL_MAX_UPLOAD_MB) */
  maxUploadBytes: number;
  /** remote media is served through /proxy/<token> (on by default; off: apps load it from its origin) */
  mediaProxy: boolean;
  /** largest remote file the proxy passes on, in bytes (CARACOL_MEDIA_PROXY_MAX_MB) */
  mediaProxyMaxBytes: number;
}>;

export class ConfigError extends Error {}

/** Parses an environment (process.env by default) into a Config, or throws naming each bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in schema.shape && v !== undefined && v !== ""),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const origin = new URL(e.CARACOL_ORIGIN);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    origin: origin.origin,
    domain: origin.host,
    secureCookies: origin.protocol === "https:",
    dataDir: path.resolve(e.CARACOL_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    allowPrivateAddress: e.CARACOL_ALLOW_PRIVATE_ADDRESS,
    instanceName: e.CARACOL_INSTANCE_NAME,
    registrations: e.CARACOL_REGISTRATIONS,
    maxStatusChars: e.CARACOL_MAX_STATUS_CHARS,
    accessTokenTtlDays: e.CARACOL_ACCESS_TOKEN_TTL_DAYS,
    sessionTtlDays: e.CARACOL_SESSION_TTL_DAYS,
    logLevel: e.CARACOL_LOG_LEVEL,
    adminSocket: e.CARACOL_ADMIN_SOCKET,
    requireSignedFetch: e.CARACOL_REQUIRE_SIGNED_FETCH,
    trustedProxies: Object.freeze(e.CARACOL_TRUSTED_PROXIES),
    rateLimits: e.CARACOL_RATE_LIMITS === "on",
    rateLimitMultiplier: e.CARACOL_RATE_LIMIT_MULTIPLIER,
    ipRetentionHours: e.CARACOL_IP_RETENTION_HOURS,
    detectionRules: Object.freeze(e.CARACOL_DETECTION_RULES),
    mediaDir: path.resolve(e.CARACOL_MEDIA_DIR ?? path.join(e.CARACOL_DATA_DIR, "media")),
    maxUploadBytes: Math.floor(e.CARACOL_MAX_UPLOAD_MB * 1024 * 1024),
    mediaProxy: e.CARACOL_MEDIA_PROXY,
    mediaProxyMaxBytes: Math.floor(e.CARACOL_MEDIA_PROXY_MAX_MB * 1024 * 1024),
  });
}
