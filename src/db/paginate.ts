import { and, asc, desc, gt, lt, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

export type PageParams = { maxId?: string; sinceId?: string; minId?: string; limit: number };

/**
 * Conditions and order for Mastodon-style id pagination. With min_id the page is the one just
 * above min_id (ascending, reversed by the caller with `finishPage`); otherwise newest first.
 */
export function pageBy(col: PgColumn, p: PageParams): { where: SQL | undefined; orderBy: SQL; ascending: boolean } {
  const conds: (SQL | undefined)[] = [];
  if (p.maxId) conds.push(lt(col, p.maxId));
  if (p.sinceId) conds.push(gt(col, p.sinceId));
  if (p.minId) conds.push(gt(col, p.minId));
  const ascending = !!p.minId;
  return { where: and(...conds), orderBy: ascending ? asc(col) : desc(col), ascending };
}

export function finishPage<T>(rows: T[], ascending: boolean): T[] {
  return ascending ? rows.reverse() : rows;
}
