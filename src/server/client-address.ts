// Who is asking: the client's IP address, for IP blocks and rate limits. It comes from the
// socket; X-Forwarded-For is believed only when the socket belongs to a configured trusted
// proxy, because any client can send that header.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../mastodon/env.ts";
import { formatIp, parseIp, parseRange, rangeContains, type IpAddress, type IpRange } from "../lib/ip.ts";

/**
 * The client address given the socket's peer and the X-Forwarded-For header. Walks the header
 * from the right (the entry our own proxy appended) past trusted proxies; the first address
 * not among them is the client. An unreadable entry stops the walk at the hop that sent it, so
 * a forged or garbled header can never move the answer further than a trusted hop vouches.
 */
export function clientAddressOf(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trusted: readonly IpRange[]): string | null {
  const socket = socketAddress ? parseIp(socketAddress) : null;
  if (!socket) return null;
  const isTrusted = (a: IpAddress) => trusted.some((r) => rangeContains(r, a));
  let current = socket;
  if (isTrusted(current) && forwardedFor) {
    const hops = forwardedFor.split(",").map((s) => s.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0 && isTrusted(current); i--) {
      const hop = parseIp(hops[i]);
      if (!hop) break;
      current = hop;
    }
  }
  return formatIp(current);
}

/** Tests without a socket name the client themselves; production never passes this. */
export type TestClientAddress = (req: Request) => string | null;

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } }; server?: NodeBindings };

/** Sets `clientAddress` for every request (null only when there is no socket at all). */
export function clientAddressMiddleware(trustedProxies: readonly string[], testAddress?: TestClientAddress): MiddlewareHandler<AppEnv> {
  const trusted = trustedProxies.map((r) => parseRange(r)).filter((r): r is IpRange => r !== null);
  return async (c, next) => {
    const env = c.env as NodeBindings | undefined;
    const socket = (env?.server ?? env)?.incoming?.socket?.remoteAddress;
    const fromSocket = socket ? clientAddressOf(socket, c.req.header("x-forwarded-for"), trusted) : null;
    c.set("clientAddress", fromSocket ?? (socket ? null : (testAddress?.(c.req.raw) ?? null)));
    await next();
  };
}
