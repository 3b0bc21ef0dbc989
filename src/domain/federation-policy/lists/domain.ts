// Domain names as lists write them, made comparable: lower case, IDN to punycode, no `*.`
// prefix, no trailing dot; anything that is not a host name is refused with a reason.
import { domainToASCII } from "node:url";

export type DomainResult = { domain: string } | { reason: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function listDomain(raw: string): DomainResult {
  let s = raw.trim().toLowerCase();
  if (s === "") return { reason: "empty domain" };
  if (/\s/.test(s)) return { reason: "a domain name has no spaces" };
  if (s.includes("://") || s.includes("/") || s.includes("@")) return { reason: "looks like a URL or a handle, not a domain name" };
  if (s.startsWith("*.")) s = s.slice(2);
  if (s.endsWith(".")) s = s.slice(0, -1);
  if (s.includes("*")) return { reason: "obfuscated (contains *): without its digest it cannot be matched" };
  if (s.includes(":")) return { reason: "has a port or is an address; list host names only" };
  const ascii = domainToASCII(s);
  if (!ascii) return { reason: "not a valid domain name" };
  const labels = ascii.split(".");
  if (labels.length < 2) return { reason: "not a domain name (needs at least two labels)" };
  if (ascii.length > 253 || !labels.every((l) => LABEL.test(l))) return { reason: "not a valid domain name" };
  if (/^\d+$/.test(labels.at(-1)!)) return { reason: "an IP address, not a domain name" };
  return { domain: ascii };
}
