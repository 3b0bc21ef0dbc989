// Translating a post through a LibreTranslate-compatible service (POST {q, source, target,
// format}). The caller has already checked, through the gate, that the viewer may see the post;
// the choke point then refuses anything that is not public.
import type { Ctx } from "../context.ts";
import { sendToIntegration, type PostFacts, type Transport } from "./send.ts";
import { IntegrationError, integrationState } from "./state.ts";

export type TranslatablePost = PostFacts & { content: string; spoilerText: string; language: string | null };
export type Translated = { content: string; spoilerText: string; detectedSourceLanguage: string; provider: string };

async function translateOne(ctx: Ctx, transport: Transport, post: TranslatablePost, text: string, target: string): Promise<{ text: string; detected: string | null }> {
  const { options } = await integrationState(ctx, "translation");
  const body: Record<string, string> = { q: text, source: post.language ?? "auto", target, format: "html" };
  if (options.api_key) body.api_key = options.api_key;
  const res = await sendToIntegration(ctx, transport, "translation", post, { url: options.endpoint ?? "", body, accept: "application/json" });
  if (res.status < 200 || res.status > 299) throw new IntegrationError("failed", `the translation service answered ${res.status}`);
  let json: { translatedText?: unknown; detectedLanguage?: { language?: unknown } };
  try {
    json = JSON.parse(res.body);
  } catch {
    throw new IntegrationError("failed", "the translation service answered something other than JSON");
  }
  if (typeof json.translatedText !== "string") throw new IntegrationError("failed", "the translation service answered without translatedText");
  const detected = typeof json.detectedLanguage?.language === "string" ? json.detectedLanguage.language : null;
  return { text: json.translatedText, detected };
}

export async function translatePost(ctx: Ctx, transport: Transport, post: TranslatablePost, target: string): Promise<Translated> {
  const content = await translateOne(ctx, transport, post, post.content, target);
  const spoiler = post.spoilerText ? await translateOne(ctx, transport, post, post.spoilerText, target) : null;
  return { content: content.text, spoilerText: spoiler?.text ?? "", detectedSourceLanguage: post.language ?? content.detected ?? "und", provider: "LibreTranslate" };
}
