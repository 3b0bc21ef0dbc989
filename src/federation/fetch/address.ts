// Which IP addresses a server-side fetch may connect to. Server-side request forgery protection:
// a remote document, a redirect or a DNS answer must never make us reach our own network
// (loopback, the LAN, cloud metadata at 169.254.169.254, carrier-grade NAT, ...).
import net from "node:net";

const blocked = new net.BlockList();
// IPv4 ranges that are not globally reachable (IANA special-purpose registry).
for (const [base, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (deprecated)
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
] as const) {
  blocked.addSubnet(base, prefix, "ipv4");
}
// IPv6 ranges. ::ffff:0:0/96 (IPv4-mapped) and 64:ff9b::/96 (NAT64) are not listed: the IPv4
// address inside them is checked instead, so that public IPv4 hosts stay reachable from
// IPv6-only networks while ::ffff:127.0.0.1 and 64:ff9b::a00:1 are refused.
for (const [base, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::", 96], // IPv4-compatible (deprecated)
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking, ...)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds an arbitrary IPv4 address
  ["3fff::", 20], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed inside some networks)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(base, prefix, "ipv6");
}

/** Parses an IPv6 address (without brackets or zone) into its eight 16-bit words. */
function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    if (net.isIPv4(dotted[2]) === false) return null;
    const [a, b, c, d] = dotted[2].split(".").map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const words = [...head, ...Array(fill).fill("0"), ...tail].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : null;
}

function embeddedIPv4(words: number[]): string {
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join(".");
}

/**
 * True when `address` (an IP literal; IPv6 with or without brackets) is globally reachable, so
 * that a server-side fetch may connect to it. Anything unparsable counts as not public.
 */
export function isPublicAddress(address: string): boolean {
  let ip = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  ip = ip.replace(/%.*$/, ""); // a zone id only occurs on link-local addresses, refused below
  const family = net.isIP(ip);
  if (family === 4) return !blocked.check(ip, "ipv4");
  if (family !== 6) return false;
  const words = ipv6Words(ip);
  if (words === null) return false;
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (mapped || nat64) return !blocked.check(embeddedIPv4(words), "ipv4");
  return !blocked.check(ip, "ipv6");
}
