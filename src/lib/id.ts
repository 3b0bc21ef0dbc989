// Mastodon-style ids: milliseconds since the epoch in the high bits, a sequence in the low
// 16 bits. Sorting ids sorts by creation time, which max_id/min_id pagination relies on.
let lastMs = 0n;
let seq = 0n;

export function newId(at: Date = new Date()): string {
  const ms = BigInt(at.getTime());
  if (ms === lastMs) {
    seq = (seq + 1n) & 0xffffn;
  } else {
    lastMs = ms;
    seq = BigInt(Math.floor(Math.random() * 0x8000));
  }
  return ((ms << 16n) | seq).toString();
}

/** The smallest id that could have been made at `at`; for time-based bounds on id columns. */
export function idAtTime(at: Date): string {
  return (BigInt(at.getTime()) << 16n).toString();
}

export function isId(s: unknown): s is string {
  return typeof s === "string" && /^\d{1,19}$/.test(s) && BigInt(s) <= 9223372036854775807n;
}
