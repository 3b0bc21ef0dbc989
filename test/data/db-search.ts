// Searches every column of every table for values, with the column list read from
// information_schema, so a table added later is searched too without anyone listing it.
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";

type Row = Record<string, unknown>;

export async function rows(db: Db, query: ReturnType<typeof sql>): Promise<Row[]> {
  const r = (await db.execute(query)) as unknown;
  return Array.isArray(r) ? (r as Row[]) : ((r as { rows: Row[] }).rows ?? []);
}

export type Column = { table: string; column: string; type: string };

/** Columns of the app's own tables (the current schema), of the given information_schema data types. */
export async function columnsOfTypes(db: Db, types: readonly string[]): Promise<Column[]> {
  const found = await rows(
    db,
    sql`select table_name, column_name, data_type from information_schema.columns
        where table_schema = current_schema() and data_type in (${sql.join(types.map((t) => sql`${t}`), sql`, `)})
        and table_name not like '__drizzle%' order by table_name, column_name`,
  );
  return found.map((r) => ({ table: String(r.table_name), column: String(r.column_name), type: String(r.data_type) }));
}

/** Text-like columns (text, varchar, inet, json, jsonb, arrays), where an address or user agent could hide. */
export const TEXTUAL = ["text", "character varying", "inet", "cidr", "json", "jsonb", "ARRAY", "bytea"] as const;

/**
 * Every (table.column) whose value, cast to text, contains `needle`, with a sample of what it
 * holds. An IPv6 address in brackets is a URL's host (this server as a client addressed it, as in
 * Fedify's idempotence keys), not a client's address, so `[needle]` does not count.
 */
export async function whereTextOccurs(db: Db, columns: readonly Column[], needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const c of columns) {
    const col = sql.identifier(c.column);
    const text = needle.includes(":") ? sql`replace(${col}::text, ${`[${needle}]`}, '')` : sql`${col}::text`;
    const found = await rows(db, sql`select ${col}::text as v from ${sql.identifier(c.table)} where position(${needle} in ${text}) > 0 limit 1`);
    if (found.length) hits.push(`${c.table}.${c.column} = ${String(found[0].v).slice(0, 200)}`);
  }
  return hits;
}

/** Every (table.column) of type bigint holding `value`. */
export async function whereBigintIs(db: Db, columns: readonly Column[], value: string): Promise<string[]> {
  const hits: string[] = [];
  for (const c of columns) {
    const found = await rows(db, sql`select count(*)::int as n from ${sql.identifier(c.table)} where ${sql.identifier(c.column)} = ${value}::bigint`);
    const n = Number(found[0]?.n ?? 0);
    if (n) hits.push(`${c.table}.${c.column} (${n})`);
  }
  return hits;
}
