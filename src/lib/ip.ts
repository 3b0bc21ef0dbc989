// IP addresses and CIDR ranges as numbers, for IP blocks, trusted proxies and rate-limit keys.
// IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, what a dual-stack socket reports for an IPv4
// client) are IPv4 here, so that one rule covers a client however it reached us.

export type IpAddress = { version: 4 | 6; value: bigint };
export type IpRange = { version: 4 | 6; base: bigint; prefix: number };

const BITS = { 4: 32, 6: 128 } as const;
const MAPPED_PREFIX = 0xffffn << 32n;

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    // Leading zeros are refused: some parsers read them as octal, so their meaning is ambiguous.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let tail: bigint[] = [];
  let head = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): bigint[] | null => {
    if (s === "") return [];
    const out: bigint[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (!left || !right) return null;
  const known = left.length + right.length + tail.length;
  let all: bigint[];
  if (halves.length === 2) {
    if (known > 7) return null;
    all = [...left, ...Array<bigint>(8 - known).fill(0n), ...right, ...tail];
  } else {
    if (known !== 8) return null;
    all = [...left, ...tail];
  }
  return all.reduce((n, g) => (n << 16n) | g, 0n);
}

/** Parses an IPv4 or IPv6 address (no zone, no brackets); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (!t || t.length > 45) return null;
  if (!t.includes(":")) {
    const v4 = parseIpv4(t);
    return v4 === null ? null : { version: 4, value: v4 };
  }
  const v6 = parseIpv6(t);
  if (v6 === null) return null;
  if (v6 >> 32n === MAPPED_PREFIX >> 32n) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

const mask = (version: 4 | 6, prefix: number): bigint => {
  const bits = BITS[version];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
};

/**
 * Parses "addr" or "addr/prefix". Host bits are cleared (10.1.2.3/8 is 10.0.0.0/8), as
 * Mastodon does, so the stored form is canonical. An IPv4-mapped IPv6 range of /96 or longer
 * becomes the IPv4 range it covers.
 */
export function parseRange(text: string): IpRange | null {
  const [addrText, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const addr = parseIp(addrText ?? "");
  if (!addr) return null;
  const mappedInput = addr.version === 4 && addrText.includes(":");
  let prefix: number;
  if (prefixText === undefined) prefix = BITS[addr.version];
  else {
    if (!/^[0-9]{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (mappedInput) {
      if (prefix < 96 || prefix > 128) return null;
      prefix -= 96;
    }
    if (prefix > BITS[addr.version]) return null;
  }
  return { version: addr.version, base: addr.value & mask(addr.version, prefix), prefix };
}

export function rangeContains(range: IpRange, addr: IpAddress): boolean {
  return range.version === addr.version && (addr.value & mask(addr.version, range.prefix)) === range.base;
}

/** The range of the given prefix length around an address. */
export function rangeOf(addr: IpAddress, prefix: number): IpRange {
  return { version: addr.version, base: addr.value & mask(addr.version, prefix), prefix };
}

/** Canonical text: dotted IPv4; IPv6 as RFC 5952 (lower case, longest zero run as ::). */
export function formatIp(addr: IpAddress): string {
  if (addr.version === 4) return [24n, 16n, 8n, 0n].map((s) => String((addr.value >> s) & 0xffn)).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((addr.value >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function formatRange(range: IpRange): string {
  return `${formatIp({ version: range.version, value: range.base })}/${range.prefix}`;
}

/** The canonical form of an address given as text, or null. */
export function canonicalIp(text: string): string | null {
  const a = parseIp(text);
  return a ? formatIp(a) : null;
}

/**
 * What one client is, for counting requests: an IPv4 address, or the /64 an IPv6 address is in
 * (one subscriber usually gets a whole /64, so single addresses would be free to rotate).
 */
export function clientGroupKey(addr: IpAddress): string {
  return addr.version === 4 ? formatIp(addr) : formatRange(rangeOf(addr, 64));
}
