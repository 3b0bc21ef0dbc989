// A worker process for queue.test.ts's kill -9 test: it claims one message, reports it on stdout,
// and then hangs in the handler until the test kills it with SIGKILL.
// Usage: node queue-crash-worker.fixture.ts <postgres-url | pglite-data-dir> <leaseMs>
import { openDatabase } from "../db/client.ts";
import { DrizzleMessageQueue } from "./queue.ts";

const [target, leaseMs] = process.argv.slice(2);
const database = target.startsWith("postgres")
  ? await openDatabase({ databaseUrl: target, migrate: false })
  : await openDatabase({ dataDir: target, migrate: false });
const queue = new DrizzleMessageQueue(database.db, { leaseMs: Number(leaseMs), pollIntervalMs: 100 });
process.stdout.write("ready\n");
await queue.listen(async (message) => {
  process.stdout.write(`claimed ${JSON.stringify(message)}\n`);
  await new Promise(() => {});
});
