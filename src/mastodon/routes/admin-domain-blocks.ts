// Mastodon's admin API for domain blocks (/api/v1/admin/domain_blocks), answering
// Admin::DomainBlock. Pleroma's followers_only has no field there: it is the extension field
// `caracol_followers_only` (the entity allows additional properties). Admins only, with the
// admin:read:domain_blocks / admin:write:domain_blocks scopes.
import { Hono, type Context } from "hono";
import { and } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { domainBlocks, DOMAIN_BLOCK_SEVERITIES } from "../../db/schema/index.ts";
import { finishPage, pageBy } from "../../db/paginate.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { bodyParams, validate, zBool } from "../params.ts";
import { notFound, unprocessable } from "../errors.ts";
import { requireAdmin } from "./admin.ts";
import { sha256Hex } from "../../domain/federation-policy/digest.ts";
import { applyAddressBlocks, planAddressBlocks } from "../../domain/federation-policy/server-addresses.ts";
import { createRule, deleteRule, DomainRuleError, ruleById, saveRule, type DomainRule, type RuleInput } from "../../domain/federation-policy/domain-rules.ts";

export function adminDomainBlock(r: DomainRule) {
  return {
    id: r.id,
    domain: r.domain,
    digest: sha256Hex(r.domain),
    created_at: r.createdAt.toISOString(),
    severity: r.severity,
    reject_media: r.rejectMedia,
    reject_reports: r.rejectReports,
    private_comment: r.privateComment,
    public_comment: r.publicComment,
    obfuscate: r.obfuscate,
    caracol_followers_only: r.followersOnly,
  };
}

const text = z.string().max(2000).nullable();
const fields = {
  severity: z.enum(DOMAIN_BLOCK_SEVERITIES).optional(),
  reject_media: zBool.optional(),
  reject_reports: zBool.optional(),
  private_comment: text.optional(),
  public_comment: text.optional(),
  obfuscate: zBool.optional(),
  caracol_followers_only: zBool.optional(),
  /** with suspend: also add no_access IP blocks for the addresses its servers were seen on */
  caracol_block_addresses: zBool.optional(),
};
const createSchema = z.object({ domain: z.string().min(1).max(253), ...fields });
const updateSchema = z.object(fields);

function toInput(p: z.output<typeof updateSchema>): Omit<RuleInput, "domain" | "severity"> {
  const out: Omit<RuleInput, "domain" | "severity"> = {};
  if (p.reject_media !== undefined) out.rejectMedia = p.reject_media;
  if (p.reject_reports !== undefined) out.rejectReports = p.reject_reports;
  if (p.caracol_followers_only !== undefined) out.followersOnly = p.caracol_followers_only;
  if (p.private_comment !== undefined) out.privateComment = p.private_comment;
  if (p.public_comment !== undefined) out.publicComment = p.public_comment;
  if (p.obfuscate !== undefined) out.obfuscate = p.obfuscate;
  return out;
}

/** DomainRuleError -> Mastodon's 422s (with the existing rule when one covers the domain). */
function refused(c: Context<AppEnv>, e: unknown) {
  if (!(e instanceof DomainRuleError)) throw e;
  if (e.code === "covered" && e.existing) return c.json({ error: e.message, existing_domain_block: adminDomainBlock(e.existing) }, 422);
  if (e.code === "not_found") throw notFound();
  throw unprocessable(e.message, { domain: [{ error: e.code === "own_domain" ? "ERR_TAKEN" : "ERR_INVALID", description: e.message }] });
}

function checkBlockAddresses(wanted: boolean | undefined, severity: string) {
  if (wanted && severity !== "suspend") throw unprocessable("caracol_block_addresses goes with severity suspend", { caracol_block_addresses: [{ error: "ERR_INVALID", description: "goes with severity suspend" }] });
}

/** The addresses blocked along with a suspension (server-addresses.ts), listed in the answer. */
async function blockAddresses(c: Context<AppEnv>, rule: DomainRule, wanted: boolean | undefined) {
  if (!wanted) return {};
  const plan = await planAddressBlocks(c.var.ctx, rule.domain);
  return { caracol_blocked_addresses: await applyAddressBlocks(c.var.ctx, rule.domain, plan) };
}

async function loadRule(c: Context<AppEnv>): Promise<DomainRule> {
  const rule = await ruleById(c.var.ctx, c.req.param("id") ?? "");
  if (!rule) throw notFound();
  return rule;
}

export function adminDomainBlocksRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/admin/domain_blocks", async (c) => {
    await requireAdmin(c, "admin:read:domain_blocks");
    const page = parsePage(c, 100, 200);
    const { where, orderBy, ascending } = pageBy(domainBlocks.id, page);
    const rows = await c.var.ctx.db.select().from(domainBlocks).where(and(where)).orderBy(orderBy).limit(page.limit);
    const ordered = finishPage(rows, ascending);
    setLinkHeader(c, { newest: ordered[0]?.id, oldest: ordered.at(-1)?.id });
    return c.json(ordered.map(adminDomainBlock));
  });

  app.get("/v1/admin/domain_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:read:domain_blocks");
    return c.json(adminDomainBlock(await loadRule(c)));
  });

  app.post("/v1/admin/domain_blocks", async (c) => {
    await requireAdmin(c, "admin:write:domain_blocks");
    const p = validate(createSchema, await bodyParams(c));
    try {
      // Mastodon's default severity is silence
      checkBlockAddresses(p.caracol_block_addresses, p.severity ?? "silence");
      const { rule } = await createRule(c.var.ctx, { domain: p.domain, severity: p.severity ?? "silence", ...toInput(p) });
      return c.json({ ...adminDomainBlock(rule), ...(await blockAddresses(c, rule, p.caracol_block_addresses)) });
    } catch (e) {
      return refused(c, e);
    }
  });

  app.put("/v1/admin/domain_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:write:domain_blocks");
    const rule = await loadRule(c);
    const p = validate(updateSchema, await bodyParams(c));
    try {
      checkBlockAddresses(p.caracol_block_addresses, p.severity ?? rule.severity);
      const { rule: saved } = await saveRule(c.var.ctx, { domain: rule.domain, severity: p.severity ?? rule.severity, ...toInput(p) });
      return c.json({ ...adminDomainBlock(saved), ...(await blockAddresses(c, saved, p.caracol_block_addresses)) });
    } catch (e) {
      return refused(c, e);
    }
  });

  app.delete("/v1/admin/domain_blocks/:id", async (c) => {
    await requireAdmin(c, "admin:write:domain_blocks");
    const rule = await loadRule(c);
    await deleteRule(c.var.ctx, rule);
    return c.json({});
  });

  return app;
}
