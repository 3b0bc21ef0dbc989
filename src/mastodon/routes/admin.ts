// The admin API for sign-ups: list accounts by state, approve or reject pending ones. Only
// admins (users.role) with admin scopes may use it.
import { Hono, type Context } from "hono";
import { and, eq, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { accounts, users } from "../../db/schema/index.ts";
import { finishPage, pageBy } from "../../db/paginate.ts";
import { parsePage, setLinkHeader } from "../pagination.ts";
import { queryParams, validate, zBool, zId } from "../params.ts";
import { forbidden, notFound } from "../errors.ts";
import { requireUser } from "../auth.ts";
import type { Scope } from "../../domain/oauth/scopes.ts";
import type { Viewer } from "../../domain/audience/viewer.ts";
import { serializeAccounts } from "../entities/account.ts";
import { approvePending, rejectPending } from "../../domain/accounts/approval.ts";

type Row = { accounts: typeof accounts.$inferSelect; users: typeof users.$inferSelect };

const ROLES = {
  admin: { id: "3", name: "Admin", permissions: "1" },
  moderator: { id: "2", name: "Moderator", permissions: "0" },
  user: { id: "-99", name: "", permissions: "0" },
} as const;

export async function requireAdmin(c: Context<AppEnv>, scope: Scope): Promise<Viewer> {
  const { accountId, viewer } = requireUser(c, scope);
  const [u] = await c.var.ctx.db.select({ role: users.role }).from(users).where(eq(users.accountId, accountId));
  if (u?.role !== "admin") throw forbidden("This action is not allowed");
  return viewer;
}

/**
 * Mastodon's AdminAccount. The embedded Account comes from the gate like every other Account;
 * one the gate hides (a suspended account) is left out of lists.
 */
async function adminAccounts(c: Context<AppEnv>, viewer: Viewer, rows: Row[]) {
  const entities = await serializeAccounts(c.var.ctx, viewer, rows.map((r) => r.accounts));
  return rows.flatMap(({ accounts: a, users: u }) => {
    const account = entities.get(a.id);
    if (!account) return [];
    const role = ROLES[u.role];
    return [
      {
        id: a.id,
        username: a.username,
        domain: a.domain,
        created_at: u.createdAt.toISOString(),
        email: u.email ?? "",
        ip: null,
        ips: [],
        locale: u.locale,
        invite_request: u.reason,
        role: { ...role, color: "", highlighted: u.role !== "user" },
        confirmed: true,
        approved: u.approved,
        disabled: u.disabled,
        silenced: false,
        sensitized: false,
        suspended: a.suspendedAt !== null,
        account,
        created_by_application_id: null,
        invited_by_account_id: null,
      },
    ];
  });
}

const listSchema = z.object({
  status: z.enum(["active", "pending", "disabled", "silenced", "suspended"]).optional(),
  origin: z.enum(["local", "remote"]).optional(),
  pending: zBool.optional(),
  active: zBool.optional(),
  disabled: zBool.optional(),
  suspended: zBool.optional(),
  remote: zBool.optional(),
  username: z.string().max(100).optional(),
});

function statusFilter(p: z.output<typeof listSchema>): SQL | undefined {
  const status = p.status ?? (p.pending ? "pending" : p.disabled ? "disabled" : p.suspended ? "suspended" : p.active ? "active" : undefined);
  if (status === "pending") return and(eq(users.approved, false), isNull(accounts.suspendedAt));
  if (status === "disabled") return eq(users.disabled, true);
  if (status === "suspended") return isNotNull(accounts.suspendedAt);
  if (status === "active") return and(eq(users.approved, true), eq(users.disabled, false), isNull(accounts.suspendedAt));
  if (status === "silenced") return sql`false`; // silencing does not exist yet: nobody is silenced
  return undefined;
}

async function loadRow(c: Context<AppEnv>, id: string): Promise<Row | null> {
  const [row] = await c.var.ctx.db
    .select()
    .from(accounts)
    .innerJoin(users, eq(users.accountId, accounts.id))
    .where(and(eq(accounts.id, id), isNull(accounts.domain)));
  return row ?? null;
}

export function adminRoutes() {
  const app = new Hono<AppEnv>();

  const list = async (c: Context<AppEnv>) => {
    const viewer = await requireAdmin(c, "admin:read:accounts");
    const p = validate(listSchema, queryParams(c));
    const page = parsePage(c, 100, 200);
    // Only local people have sign-ups to review; remote accounts are not listed here yet.
    if (p.origin === "remote" || p.remote) return c.json([]);
    const { where, orderBy, ascending } = pageBy(accounts.id, page);
    const conds = [isNull(accounts.domain), statusFilter(p), where];
    if (p.username) conds.push(eq(accounts.username, p.username));
    const rows = await c.var.ctx.db
      .select()
      .from(accounts)
      .innerJoin(users, eq(users.accountId, accounts.id))
      .where(and(...conds))
      .orderBy(orderBy)
      .limit(page.limit);
    const ordered = finishPage(rows, ascending);
    setLinkHeader(c, { newest: ordered[0]?.accounts.id, oldest: ordered.at(-1)?.accounts.id });
    return c.json(await adminAccounts(c, viewer, ordered));
  };
  app.get("/v1/admin/accounts", list);
  app.get("/v2/admin/accounts", list);

  app.get("/v1/admin/accounts/:id", async (c) => {
    const viewer = await requireAdmin(c, "admin:read:accounts");
    const id = c.req.param("id");
    const row = zId.safeParse(id).success ? await loadRow(c, id) : null;
    const [entity] = row ? await adminAccounts(c, viewer, [row]) : [];
    if (!entity) throw notFound();
    return c.json(entity);
  });

  for (const action of ["approve", "reject"] as const) {
    app.post(`/v1/admin/accounts/:id/${action}`, async (c) => {
      const viewer = await requireAdmin(c, "admin:write:accounts");
      const id = c.req.param("id");
      if (!zId.safeParse(id).success) throw notFound();
      const before = await loadRow(c, id);
      if (!before) throw notFound();
      const [entity] = await adminAccounts(c, viewer, [before]);
      const result = action === "approve" ? await approvePending(c.var.ctx, id) : await rejectPending(c.var.ctx, id);
      if (result === "not_found" || !entity) throw notFound();
      if (result === "not_pending") throw forbidden("This action is not allowed");
      return c.json({ ...entity, approved: action === "approve" });
    });
  }

  return app;
}
