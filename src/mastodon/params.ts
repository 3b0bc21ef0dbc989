// Mastodon apps send parameters as JSON, as form data, or in the query string, using Rails-style
// keys (`media_ids[]`, `fields_attributes[0][name]`). This turns any of them into a plain object
// that a zod schema then validates.
import type { Context } from "hono";
import { z } from "zod";
import { ApiError, unprocessable } from "./errors.ts";

const MAX_BODY = 1024 * 1024;

type Tree = { [k: string]: unknown };

/** `a[b][]` -> ["a", "b", ""] */
function splitKey(key: string): string[] {
  const m = key.match(/^([^[\]]+)((?:\[[^[\]]*\])*)$/);
  if (!m) return [key];
  const rest = [...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]);
  return [m[1], ...rest];
}

function assign(tree: Tree, key: string, value: unknown) {
  const path = splitKey(key);
  let node: Tree = tree;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    const nextIsArray = !last && path[i + 1] === "";
    if (part === "") return; // malformed: `[]` only valid at the end, handled below
    if (last) {
      node[part] = value;
      return;
    }
    if (nextIsArray && i + 1 === path.length - 1) {
      const arr = Array.isArray(node[part]) ? (node[part] as unknown[]) : [];
      arr.push(value);
      node[part] = arr;
      return;
    }
    if (typeof node[part] !== "object" || node[part] === null || Array.isArray(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
}

export function fromPairs(pairs: Iterable<[string, unknown]>): Tree {
  const tree: Tree = Object.create(null);
  for (const [k, v] of pairs) {
    if (k === "__proto__" || k.includes("__proto__")) continue;
    assign(tree, k, v);
  }
  return { ...tree };
}

export function queryParams(c: Context): Tree {
  const url = new URL(c.req.url);
  return fromPairs(url.searchParams.entries());
}

/** Reads the request body (JSON, urlencoded or multipart) merged over the query string. */
export async function bodyParams(c: Context): Promise<Tree> {
  const query = queryParams(c);
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > MAX_BODY) throw new ApiError(413, "Request body too large");
  if (type.includes("application/json")) {
    const text = await c.req.text();
    if (text.length > MAX_BODY) throw new ApiError(413, "Request body too large");
    if (text.trim() === "") return query;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(400, "Malformed JSON in request body");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ApiError(400, "Request body must be a JSON object");
    return { ...query, ...(json as Tree) };
  }
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const form = await c.req.formData().catch(() => {
      throw new ApiError(400, "Malformed form data in request body");
    });
    const pairs: [string, unknown][] = [];
    form.forEach((v, k) => pairs.push([k, v]));
    return { ...query, ...fromPairs(pairs) };
  }
  return query;
}

/** Validates params with a schema; a failure is a 422 naming the field, as Mastodon does. */
export function validate<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const field = first.path.join(".") || "params";
  throw unprocessable(`${field} ${first.message}`, { [field]: [{ error: "ERR_INVALID", description: first.message }] });
}

/** Form and query values arrive as strings; these accept both the string and the JSON form. */
export const zBool = z.preprocess((v) => {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1" || v === "on") return true;
  if (v === "false" || v === "0" || v === "off" || v === "") return false;
  return v;
}, z.boolean());

export const zInt = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v), z.number().int().min(min).max(max));

export const zId = z.string().regex(/^\d{1,19}$/, "is not a valid id");

/** Accepts `x[]` arrays, a single value, or a JSON array. */
export const zArray = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(item));
