// Password sign-in. The answer to a wrong name and to a wrong password is the same, and takes
// the same time: whether an account exists is not something a sign-in form should tell.
import { verify } from "@node-rs/argon2";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import { accounts, users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { hashPassword } from "./create.ts";

export type SignInResult =
  | { ok: true; accountId: string }
  | { ok: false; reason: "invalid" | "pending" | "disabled" };

let dummyHash: Promise<string> | null = null;

/** A hash to verify against when no account matches, so both paths cost one argon2 run. */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword("caracol-dummy-password-for-timing");
  return dummyHash;
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** `login` is a local username (with or without a leading @) or an e-mail address. */
export async function authenticate(ctx: Ctx, login: string, password: string): Promise<SignInResult> {
  const name = login.trim().replace(/^@/, "");
  if (!name || name.length > 320 || !password || password.length > 1024) {
    await verifyPassword(await dummy(), password || "x");
    return { ok: false, reason: "invalid" };
  }
  const [row] = await ctx.db
    .select({ accountId: users.accountId, passwordHash: users.passwordHash, approved: users.approved, disabled: users.disabled, suspendedAt: accounts.suspendedAt })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(
      and(
        isNull(accounts.domain),
        or(sql`lower(${accounts.username}) = lower(${name})`, sql`lower(${users.email}) = lower(${name})`),
      ),
    )
    .limit(1);
  const good = await verifyPassword(row?.passwordHash ?? (await dummy()), password);
  if (!row || !good) return { ok: false, reason: "invalid" };
  // Only someone who knows the password learns the state of the account.
  if (row.disabled || row.suspendedAt) return { ok: false, reason: "disabled" };
  if (!row.approved) return { ok: false, reason: "pending" };
  return { ok: true, accountId: row.accountId };
}
