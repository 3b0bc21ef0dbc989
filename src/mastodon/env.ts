import type { Ctx } from "../domain/context.ts";
import type { Viewer } from "../domain/audience/viewer.ts";
import type { TokenInfo } from "../domain/oauth/tokens.ts";
import type { CaracolFederation } from "../federation/federation.ts";

/** Hono environment shared by every API and web route. */
export type AppEnv = {
  Variables: {
    ctx: Ctx;
    /** the bearer token, if one was presented and is valid */
    token: TokenInfo | null;
    viewer: Viewer;
    /** for routes that build ActivityPub documents or send activities (view_as, relays, ...) */
    federation: CaracolFederation;
    /** the client's IP address (canonical text), from the socket or a trusted proxy; null without a socket */
    clientAddress: string | null;
  };
};
