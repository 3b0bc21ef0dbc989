// Fedify passes Temporal.Duration objects (from @js-temporal/polyfill: Node 24 has no global
// Temporal), so we call the object's own methods and never need Temporal ourselves.
import type { MessageQueueEnqueueOptions } from "@fedify/fedify";

export type Duration = NonNullable<MessageQueueEnqueueOptions["delay"]>;

/** Milliseconds in a duration; years, months and weeks are measured from today. */
export function durationToMs(d: Duration): number {
  if (d.years !== 0 || d.months !== 0 || d.weeks !== 0) {
    return d.total({ unit: "millisecond", relativeTo: new Date().toISOString().slice(0, 10) });
  }
  return d.total({ unit: "millisecond" });
}
