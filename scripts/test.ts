// Runs the whole suite with node's test runner. Test files: src/**/*.test.ts and test/**/*.test.ts.
// Extra arguments are passed on (for example a file or --test-name-pattern).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));
const globs = files.length ? files : ["src/**/*.test.ts", "test/**/*.test.ts"];
fs.mkdirSync(".test-data", { recursive: true });
console.log(`Database: ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "PGlite"}`);
const r = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=2", "--test-timeout=180000", ...flags, ...globs],
  { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" }, cwd: path.resolve(import.meta.dirname, "..") },
);
process.exit(r.status ?? 1);
