// Letters of introduction sent to us (Caracol's extension; the other documented way is the
// sender's NodeInfo, `metadata.caracol.introduction`):
//
// POST /api/v1/caracol/introduction   no token: an HTTP signature (draft-cavage or RFC 9421,
//   with Digest / Content-Digest over the body) by any actor of the introducing server.
//   Body (JSON): { "text": "who we are, our rules, why we want to federate" (1-2000 chars),
//                  "contact": "how to reach our admins" (up to 320 chars, optional) }.
//   401 when unsigned or the signature does not verify; 422 for a malformed letter; otherwise
//   202 {} whatever we do with it. The letter is kept only while the server awaits approval
//   (approval-first mode); the answer does not say so, so that it tells nobody where it stands.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, unauthorized, unprocessable } from "../errors.ts";
import { introduceServer } from "../../domain/federation-policy/approval.ts";
import { serverStanding } from "../../domain/federation-policy/standing.ts";
import { letter, signingServer } from "../../federation/inbox/introduction.ts";

const MAX_BODY = 8 * 1024;

export function introductionRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/v1/caracol/introduction", async (c) => {
    if (Number(c.req.header("content-length") ?? "0") > MAX_BODY) throw new ApiError(413, "Request body too large");
    const body = await c.req.text();
    if (body.length > MAX_BODY) throw new ApiError(413, "Request body too large");
    // Verified on a copy: the signature covers the body we just read.
    const copy = new Request(c.req.url, { method: "POST", headers: c.req.raw.headers, body });
    const domain = await signingServer(c.var.federation, c.var.ctx, copy);
    if (!domain) throw unauthorized("A valid HTTP signature by an actor of the introducing server is required");
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new ApiError(400, "Malformed JSON in request body");
    }
    const parsed = letter.safeParse(json);
    if (!parsed.success || !parsed.data.text) throw unprocessable("text must be a non-empty string, contact a string");
    if ((await serverStanding(c.var.ctx, domain)) === "pending") await introduceServer(c.var.ctx, domain, parsed.data);
    return c.json({}, 202);
  });

  return app;
}
