// The scraping-detection rules, as data. Each rule looks at one client's recent reads (see
// classify.ts) inside its window and fires when a count reaches its threshold; the evidence it
// returns is what the admin sees. Thresholds and windows can be changed with
// CARACOL_DETECTION_RULES; the defaults are set well above what a person does in an app (the
// reasoning is in docs/CONFIG.md, "Scraping detection").
import { accountOf } from "./classify.ts";

/** What a client is known by: its address (IPv6 /64), token, account, signing server, or a range (sign-ups). */
export type ClientKeyKind = "ip" | "token" | "account" | "server" | "range";

export type RecordedRead = { at: Date; kind: string; target: string; cursor: string | null };

export type Evidence = { count: number; samples: string[]; [detail: string]: unknown };

export type DetectionRule = {
  name: string;
  description: string;
  threshold: number;
  windowMinutes: number;
  keys: readonly ClientKeyKind[];
  /** the count this rule compares with its threshold, with samples; reads are oldest first */
  measure(reads: readonly RecordedRead[]): Evidence;
};

const SAMPLES = 5;
const READERS: readonly ClientKeyKind[] = ["ip", "token", "account", "server"];

/** Distinct values, in first-seen order, and a few of them as samples. */
function distinct(values: (string | null)[]): Evidence {
  const set = new Set(values.filter((v): v is string => v !== null));
  return { count: set.size, samples: [...set].slice(-SAMPLES) };
}

/**
 * The longest run of reads of one kind whose numeric ids keep going the same way (each larger
 * than the one before, or each smaller). People open profiles and posts in the order a timeline
 * shows them, which zigzags; a harvester enumerates.
 */
export function longestMonotoneRun(ids: readonly bigint[]): { length: number; from: bigint | null; to: bigint | null } {
  let best = { length: 0, from: null as bigint | null, to: null as bigint | null };
  let start = 0;
  let dir = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) {
      const d = ids[i]! > ids[i - 1]! ? 1 : ids[i]! < ids[i - 1]! ? -1 : 0;
      if (d === 0) {
        start = i; // a repeated id (a refresh) neither extends nor counts
        dir = 0;
      } else if (dir !== 0 && d !== dir) {
        start = i - 1;
        dir = d;
      } else dir = d;
    }
    const length = i - start + 1;
    if (length > best.length) best = { length, from: ids[start]!, to: ids[i]! };
  }
  return best;
}

function sequential(reads: readonly RecordedRead[]): Evidence {
  let best: Evidence = { count: 0, samples: [] };
  for (const kind of ["account", "post"]) {
    const ids: bigint[] = [];
    for (const r of reads) if (r.kind === kind && /^\d{1,20}$/.test(r.target) && ids.at(-1) !== BigInt(r.target)) ids.push(BigInt(r.target));
    const run = longestMonotoneRun(ids);
    if (run.length > best.count) best = { count: run.length, samples: [`${kind} ${run.from} .. ${run.to}`], kind };
  }
  return best;
}

/** Listings of other people's things; one's own home timeline and lists are not counted. */
const isListing = (r: RecordedRead) => r.kind === "account_list" || r.kind === "search" || (r.kind === "timeline" && r.target !== "home" && !r.target.startsWith("list:"));

/** The count of the busiest value of `keyOf` among the reads it accepts. */
function busiest(reads: readonly RecordedRead[], keyOf: (r: RecordedRead) => string | null): Evidence {
  const counts = new Map<string, { n: number; last: string | null }>();
  for (const r of reads) {
    const k = keyOf(r);
    if (k === null) continue;
    const c = counts.get(k) ?? { n: 0, last: null };
    c.n++;
    c.last = r.cursor ?? c.last;
    counts.set(k, c);
  }
  let best: Evidence = { count: 0, samples: [] };
  for (const [k, c] of counts) if (c.n > best.count) best = { count: c.n, samples: [c.last ? `${k} ${c.last}` : k] };
  return best;
}

export const DETECTION_RULES: readonly DetectionRule[] = [
  {
    name: "distinct_profiles",
    description: "distinct profiles read (by id, handle, web page, actor, or their posts and follower lists)",
    threshold: 60,
    windowMinutes: 10,
    keys: READERS,
    measure: (reads) => distinct(reads.map(accountOf)),
  },
  {
    name: "distinct_posts",
    description: "distinct single posts or threads read",
    threshold: 100,
    windowMinutes: 10,
    keys: READERS,
    measure: (reads) => distinct(reads.map((r) => (r.kind === "post" ? r.target : null))),
  },
  {
    name: "sequential_ids",
    description: "profiles or posts read by id in a steadily increasing or decreasing order (enumeration)",
    threshold: 25,
    windowMinutes: 10,
    keys: READERS,
    measure: sequential,
  },
  {
    name: "deep_pagination",
    description: "further pages of one listing (someone's posts or followers, a public or tag timeline, search)",
    threshold: 15,
    windowMinutes: 10,
    keys: READERS,
    measure: (reads) => busiest(reads, (r) => (isListing(r) && r.cursor ? `${r.kind} ${r.target}` : null)),
  },
  {
    name: "feed_polling",
    description: "fetches of the same RSS or Atom feed (a reader polling every 5 minutes makes 12 an hour)",
    threshold: 20,
    windowMinutes: 60,
    keys: READERS,
    measure: (reads) => busiest(reads, (r) => (r.kind === "feed" ? r.target : null)),
  },
  {
    name: "heavy_reader",
    description: "reads of any kind by one token or account",
    threshold: 1500,
    windowMinutes: 60,
    keys: ["token", "account"],
    measure: (reads) => ({ count: reads.filter((r) => r.kind !== "sign_up").length, samples: [] }),
  },
  {
    name: "sign_ups_per_range",
    description: "sign-ups from one IPv4 /24 or IPv6 /48",
    threshold: 10,
    windowMinutes: 24 * 60,
    keys: ["range"],
    measure: (reads) => ({ count: reads.filter((r) => r.kind === "sign_up").length, samples: [] }),
  },
];

export const DETECTION_RULE_NAMES = DETECTION_RULES.map((r) => r.name);

export type RuleOverrides = Readonly<Record<string, { threshold?: number; windowMinutes?: number; enabled?: boolean }>>;

/** The rules with the configured thresholds and windows; disabled ones are left out. */
export function effectiveRules(overrides: RuleOverrides): DetectionRule[] {
  return DETECTION_RULES.filter((r) => overrides[r.name]?.enabled !== false).map((r) => ({
    ...r,
    threshold: overrides[r.name]?.threshold ?? r.threshold,
    windowMinutes: overrides[r.name]?.windowMinutes ?? r.windowMinutes,
  }));
}

export type Finding = { rule: DetectionRule; evidence: Evidence };

/** The rules that fire for one client's reads (oldest first) at `now`. */
export function evaluateRules(rules: readonly DetectionRule[], keyKind: ClientKeyKind, reads: readonly RecordedRead[], now: number): Finding[] {
  const found: Finding[] = [];
  for (const rule of rules) {
    if (!rule.keys.includes(keyKind)) continue;
    const since = now - rule.windowMinutes * 60_000;
    const evidence = rule.measure(reads.filter((r) => r.at.getTime() >= since));
    if (evidence.count >= rule.threshold) found.push({ rule, evidence: { ...evidence, threshold: rule.threshold, window_minutes: rule.windowMinutes } });
  }
  return found;
}
