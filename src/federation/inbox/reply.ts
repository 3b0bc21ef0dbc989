// Answers sent from the inbox: Accept or Reject of a Follow. Sent with the inbox context's
// sendActivity, which queues the delivery (the outbox queue retries it); signed as the local
// account that was followed. Where the outbox's helpers exist they are used (the address check).
import { Accept, Follow, Reject } from "@fedify/vocab";
import type { Recipient } from "@fedify/vocab";
import { newId } from "../../lib/id.ts";
import { inboxAllowed } from "../outbox/recipients.ts";
import type { AccountRow, InboxCtx } from "./common.ts";

export function recipientOf(account: AccountRow): Recipient {
  return {
    id: new URL(account.uri),
    inboxId: account.inboxUrl ? new URL(account.inboxUrl) : null,
    endpoints: account.sharedInboxUrl ? { sharedInbox: new URL(account.sharedInboxUrl) } : null,
  };
}

export async function answerFollow(ictx: InboxCtx, answer: "Accept" | "Reject", local: AccountRow, follower: AccountRow, followUri: string | null): Promise<void> {
  if (!follower.inboxUrl) return;
  // Fedify's delivery does not check addresses: the outbox's check (no private or loopback inboxes) applies here too.
  const inboxes = [follower.inboxUrl, follower.sharedInboxUrl].filter((u): u is string => !!u);
  for (const u of inboxes) if (!(await inboxAllowed(ictx.data, new URL(u)))) return;
  const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(follower.uri), object: new URL(local.uri) });
  const values = {
    id: new URL(`${local.uri}#${answer.toLowerCase()}s/follows/${newId()}`),
    actor: new URL(local.uri),
    object: follow,
    to: new URL(follower.uri),
  };
  await ictx.sendActivity({ identifier: local.username }, recipientOf(follower), answer === "Accept" ? new Accept(values) : new Reject(values));
}
