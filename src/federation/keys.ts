// Signing keys for ActivityPub: each local account's RSA-2048 and Ed25519 pairs (made at
// account creation), and the instance actor's, made on first use and kept in instance_settings.
import { eq } from "drizzle-orm";
import { importJwk } from "@fedify/fedify";
import { accountKeys, instanceSettings } from "../db/schema/index.ts";
import type { Ctx } from "../domain/context.ts";
import { generateKeyPairs, type StoredKeyPair } from "../domain/accounts/keys.ts";

async function importPairs(stored: readonly StoredKeyPair[]): Promise<CryptoKeyPair[]> {
  // RSA first: servers that know one key only (Mastodon) take the first.
  const sorted = [...stored].sort((a, b) => (a.type === b.type ? 0 : a.type === "RSASSA-PKCS1-v1_5" ? -1 : 1));
  return Promise.all(
    sorted.map(async (k) => ({ privateKey: await importJwk(k.privateKeyJwk, "private"), publicKey: await importJwk(k.publicKeyJwk, "public") })),
  );
}

export async function accountKeyPairs(ctx: Ctx, accountId: string): Promise<CryptoKeyPair[]> {
  const cacheKey = `keys:${accountId}`;
  const hit = ctx.cache.get(cacheKey);
  if (hit) return hit.value as CryptoKeyPair[];
  const rows = await ctx.db.select().from(accountKeys).where(eq(accountKeys.accountId, accountId));
  const pairs = await importPairs(rows);
  ctx.cache.set(cacheKey, { value: pairs, until: Number.MAX_SAFE_INTEGER });
  return pairs;
}

const INSTANCE_KEYS = "instanceActor.keys";

export async function instanceKeyPairs(ctx: Ctx): Promise<CryptoKeyPair[]> {
  const hit = ctx.cache.get(INSTANCE_KEYS);
  if (hit) return hit.value as CryptoKeyPair[];
  let [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, INSTANCE_KEYS));
  if (!row) {
    await ctx.db.insert(instanceSettings).values({ key: INSTANCE_KEYS, value: await generateKeyPairs() }).onConflictDoNothing();
    [row] = await ctx.db.select().from(instanceSettings).where(eq(instanceSettings.key, INSTANCE_KEYS));
  }
  const pairs = await importPairs(row.value as StoredKeyPair[]);
  ctx.cache.set(INSTANCE_KEYS, { value: pairs, until: Number.MAX_SAFE_INTEGER });
  return pairs;
}
