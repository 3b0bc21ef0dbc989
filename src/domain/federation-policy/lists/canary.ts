// Canary lines: entries a list's maintainer put there on purpose so that anyone importing it
// must read the documentation and delete them first. Seirdy's lists carry
// `000delete.this.line.if.you.have.read.the.documentation.on.seirdy.one` and
// `canary.tier0.example.com` (also tier1, fedinuke). Finding one means the list is being
// consumed without the review its maintainer asked for, so the whole list is refused.

const INSTRUCTION = [/delete[\s._-]*this[\s._-]*line/i, /this[\s._-]*is[\s._-]*a[\s._-]*canary/i, /if[\s._-]*you[\s._-]*have[\s._-]*read/i];

/** Reserved names (RFC 2606 / 6761) that no real server can have. */
const RESERVED = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/;

/** Why `text` (a domain, or a whole line) is a canary, or null. */
export function canaryReason(domain: string | null, lineText: string): string | null {
  for (const re of INSTRUCTION) if (re.test(lineText)) return "it is an instruction to the reader (\"delete this line\"), not a server";
  if (domain) {
    const labels = domain.split(".");
    if (labels.includes("canary") && RESERVED.test(domain)) return "it is a canary entry under a reserved example domain";
  }
  return null;
}

export function canaryError(line: number, text: string, reason: string): string {
  const shown = text.length > 120 ? text.slice(0, 117) + "..." : text;
  return (
    `Refused: line ${line} is a canary (${shown}): ${reason}. The list's maintainer put it there to be ` +
    `removed by whoever reviews the list before using it; nothing from this list was applied. ` +
    `Read the list's documentation, then use a copy you reviewed.`
  );
}
