// Validates Mastodon API responses against ../shared/spec/mastodon-openapi.json (OpenAPI 3.1).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default as typeof import("ajv").default;
const addFormats = require("ajv-formats").default as (ajv: unknown) => void;

export const SPEC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/spec/mastodon-openapi.json");
export const specAvailable = fs.existsSync(SPEC_PATH);

/** One entity of the spec's components, for answers on paths the spec does not list (the admin API). */
export function entityValidator(name: string): (v: unknown) => string | null {
  if (!specAvailable) return () => null;
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addFormat("scopes", true);
  ajv.addFormat("iso-639-1", true);
  ajv.addSchema(JSON.parse(fs.readFileSync(SPEC_PATH, "utf8")), "spec");
  const fn = ajv.compile({ $ref: `spec#/components/schemas/${name}` });
  return (v) => (fn(v) ? null : JSON.stringify(fn.errors?.slice(0, 3)));
}

type Route = { re: RegExp; template: string; methods: Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }> };

type Validator = {
  (method: string, urlPath: string, status: number, body: unknown): string | null;
  knows(method: string, urlPath: string): boolean;
};

let cached: Validator | null = null;

function escapePointer(s: string) {
  return s.replaceAll("~", "~0").replaceAll("/", "~1");
}

export function openapiValidator(): Validator | null {
  if (!specAvailable) return null;
  if (cached) return cached;
  const spec = JSON.parse(fs.readFileSync(SPEC_PATH, "utf8"));
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat("scopes", true);
  ajv.addFormat("iso-639-1", true);
  spec.$id = "spec";
  ajv.addSchema(spec, "spec");
  const routes: Route[] = Object.entries(spec.paths as Record<string, Route["methods"]>).map(([template, methods]) => ({
    template,
    methods,
    re: new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
  }));
  // Templates with fewer parameters win (`/statuses/{id}/context` over `/statuses/{id}/{x}`).
  routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const find = (method: string, urlPath: string) => routes.find((r) => r.re.test(urlPath) && r.methods[method.toLowerCase()]);
  const v = ((method: string, urlPath: string, status: number, body: unknown) => {
    const route = find(method, urlPath);
    if (!route) return null;
    const op = route.methods[method.toLowerCase()];
    const code = op.responses?.[String(status)] ? String(status) : op.responses?.default ? "default" : null;
    if (!code) return status >= 400 ? null : `${method} ${route.template}: status ${status} is not documented`;
    if (!op.responses![code].content?.["application/json"]) return null;
    const pointer = `spec#/paths/${escapePointer(route.template)}/${method.toLowerCase()}/responses/${code}/content/application~1json/schema`;
    let fn = compiled.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: pointer });
      compiled.set(pointer, fn);
    }
    if (fn(body)) return null;
    const errs = (fn.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    return `${method} ${urlPath} -> ${status} does not match ${route.template}: ${errs.join("; ")}`;
  }) as Validator;
  v.knows = (method, urlPath) => !!find(method, urlPath);
  cached = v;
  return v;
}
