// GET /api/v1/instance/terms_of_service[/:date] (Mastodon 4.4): the current terms, or those in
// effect on a date. Public, like the /terms page, whatever the logged-out access setting says.
// Before the admins publish any, the built-in default text is the current version.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { notFound } from "../errors.ts";
import { currentTerms, termsHistory, type TermsDocument } from "../../domain/instance/terms.ts";
import { termsHtml } from "../../web/terms.ts";

const day = (d: Date) => d.toISOString().slice(0, 10);

function termsEntity(doc: TermsDocument, effective: boolean, succeededBy: Date | null) {
  return { effective_date: day(doc.effectiveAt), effective, content: termsHtml(doc.text).value, succeeded_by: succeededBy ? day(succeededBy) : null };
}

export function termsApiRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/v1/instance/terms_of_service", async (c) => c.json(termsEntity(await currentTerms(c.var.ctx, "terms"), true, null)));

  app.get("/v1/instance/terms_of_service/:date", async (c) => {
    const date = c.req.param("date");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw notFound();
    const history = await termsHistory(c.var.ctx, "terms");
    // Newest first: the version in effect on that date is the newest published by its end.
    const i = history.findIndex((v) => day(v.publishedAt) <= date);
    if (i < 0) throw notFound();
    const v = history[i]!;
    const next = i > 0 ? history[i - 1]!.publishedAt : null;
    return c.json(termsEntity({ kind: "terms", versionId: v.id, text: v.text, effectiveAt: v.publishedAt }, i === 0, next));
  });

  return app;
}
