// Every local account gets RSA-2048 (what Mastodon uses; 4096 costs 6x per signature) and
// Ed25519 (for object integrity proofs, FEP-8b32), so federation can use both from day one.
import { webcrypto } from "node:crypto";

export type StoredKeyPair = {
  type: "RSASSA-PKCS1-v1_5" | "Ed25519";
  publicKeyJwk: JsonWebKey;
  privateKeyJwk: JsonWebKey;
};

export async function generateKeyPairs(): Promise<StoredKeyPair[]> {
  const rsa = (await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed = (await webcrypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  const out: StoredKeyPair[] = [];
  for (const [type, pair] of [["RSASSA-PKCS1-v1_5", rsa], ["Ed25519", ed]] as const) {
    out.push({
      type,
      publicKeyJwk: await webcrypto.subtle.exportKey("jwk", pair.publicKey),
      privateKeyJwk: await webcrypto.subtle.exportKey("jwk", pair.privateKey),
    });
  }
  return out;
}
