import { hash } from "@node-rs/argon2";
import { and, eq, isNull, sql } from "drizzle-orm";
import { accountKeys, accounts, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { newId } from "../../lib/id.ts";
import { accountFollowers, accountInbox, accountUri, accountUrl, sharedInbox } from "./urls.ts";
import { generateKeyPairs } from "./keys.ts";
import { isTombstoned } from "../privacy/delete-account.ts";

export const USERNAME_RE = /^[a-z0-9_]+([a-z0-9_.-]*[a-z0-9_])?$/i;
const RESERVED = new Set(["actor", "instance", "inbox", "outbox", "users", "api", "oauth", "about", "auth", "settings", "static", "well-known", "nodeinfo", "admin-actor", "root", "postmaster", "webmaster", "abuse", "security", "support"]);

export class AccountError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export function checkUsername(username: string): void {
  if (username.length < 1 || username.length > 30) throw new AccountError("username", "must be 1 to 30 characters");
  if (!USERNAME_RE.test(username)) throw new AccountError("username", "may only contain letters, digits, _, . and -, and must start and end with a letter, digit or _");
  if (RESERVED.has(username.toLowerCase())) throw new AccountError("username", "is reserved");
}

export function checkPassword(password: string): void {
  if (password.length < 8) throw new AccountError("password", "must be at least 8 characters");
  if (password.length > 1024) throw new AccountError("password", "is too long");
}

/** argon2id with the library's defaults (19 MiB, t=2): memory-hard, as OWASP recommends. */
export const hashPassword = (password: string) => hash(password);

export type NewLocalAccount = {
  username: string;
  password: string;
  email?: string | null;
  role?: "user" | "moderator" | "admin";
  approved: boolean;
  reason?: string | null;
  locale?: string;
};

export async function localAccountByUsername(ctx: Ctx, username: string) {
  const [row] = await ctx.db
    .select()
    .from(accounts)
    .where(and(sql`lower(${accounts.username}) = lower(${username})`, isNull(accounts.domain)));
  return row ?? null;
}

/** Creates a local account with its credentials and signing keys, in one transaction. */
export async function createLocalAccount(ctx: Ctx, input: NewLocalAccount): Promise<{ accountId: string }> {
  checkUsername(input.username);
  checkPassword(input.password);
  if (input.email != null && !/^[^\s@]+@[^\s@]+$/.test(input.email)) throw new AccountError("email", "is not an e-mail address");
  if ((await localAccountByUsername(ctx, input.username)) || (await isTombstoned(ctx, input.username))) throw new AccountError("username", "is already taken");
  if (input.email) {
    const [taken] = await ctx.db.select({ id: users.accountId }).from(users).where(sql`lower(${users.email}) = lower(${input.email})`);
    if (taken) throw new AccountError("email", "is already taken");
  }
  const [passwordHash, keys] = await Promise.all([hashPassword(input.password), generateKeyPairs()]);
  const id = newId();
  const { origin } = ctx.config;
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(accounts).values({
        id,
        username: input.username,
        domain: null,
        uri: accountUri(origin, input.username),
        url: accountUrl(origin, input.username),
        inboxUrl: accountInbox(origin, input.username),
        sharedInboxUrl: sharedInbox(origin),
        followersUrl: accountFollowers(origin, input.username),
        locked: true,
      });
      await tx.insert(users).values({
        accountId: id,
        email: input.email ?? null,
        passwordHash,
        role: input.role ?? "user",
        approved: input.approved,
        reason: input.reason ?? null,
        locale: input.locale ?? "en",
      });
      await tx.insert(accountKeys).values(keys.map((k) => ({ accountId: id, ...k })));
    });
  } catch (e) {
    // A concurrent sign-up may have taken the name between the check and the insert.
    if (String((e as Error).message).includes("unique") || String((e as { cause?: Error }).cause?.message).includes("unique")) {
      throw new AccountError("username", "is already taken");
    }
    throw e;
  }
  return { accountId: id };
}

export async function approveAccount(ctx: Ctx, accountId: string): Promise<boolean> {
  const r = await ctx.db.update(users).set({ approved: true }).where(eq(users.accountId, accountId)).returning({ id: users.accountId });
  return r.length === 1;
}
