// Sign-up, shared by the web form and POST /api/v1/accounts. The instance's registration mode
// decides whether the new account may sign in at once or waits for an admin.
import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import type { Ctx } from "../context.ts";
import { notify } from "../notifications/notify.ts";
import { AccountError, createLocalAccount } from "./create.ts";
import { recordAgreement } from "../instance/terms.ts";
import { recordSignUp } from "../abuse/detection/detect.ts";

export class RegistrationsClosedError extends Error {
  constructor() {
    super("Registrations are closed on this server");
  }
}

export type SignUpInput = {
  username: string;
  email: string;
  password: string;
  agreement: boolean;
  reason?: string | null;
  locale?: string | null;
  /** the client's address is in a range whose sign-ups need approval (an IP block) */
  needsApproval?: boolean;
  /** the client's address: scraping detection counts sign-ups per range */
  address?: string | null;
};

export const MAX_REASON = 1000;
const LOCALE_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

export function registrationsOpen(ctx: Ctx): boolean {
  return ctx.config.registrations !== "closed";
}

export async function signUp(ctx: Ctx, input: SignUpInput): Promise<{ accountId: string; approved: boolean }> {
  if (!registrationsOpen(ctx)) throw new RegistrationsClosedError();
  if (!input.agreement) throw new AccountError("agreement", "must be accepted");
  const email = input.email.trim();
  if (!email) throw new AccountError("email", "can't be blank");
  if (email.length > 320) throw new AccountError("email", "is too long");
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON) throw new AccountError("reason", `must be at most ${MAX_REASON} characters`);
  const approved = ctx.config.registrations === "open" && !input.needsApproval;
  const { accountId } = await createLocalAccount(ctx, {
    username: input.username.trim(),
    email,
    password: input.password,
    approved,
    reason,
    locale: input.locale && LOCALE_RE.test(input.locale) ? input.locale : "en",
  });
  await recordAgreement(ctx, accountId);
  await recordSignUp(ctx, input.address ?? null);
  await notifyAdminsOfSignUp(ctx, accountId);
  return { accountId, approved };
}

async function notifyAdminsOfSignUp(ctx: Ctx, accountId: string): Promise<void> {
  const admins = await ctx.db
    .select({ id: users.accountId })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false), eq(users.approved, true)));
  for (const a of admins) await notify(ctx, { accountId: a.id, fromAccountId: accountId, type: "admin.sign_up" });
}
