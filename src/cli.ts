// Entry point: `npm start` (serve) and `npm run caracol -- <command>`.
import { ConfigError, loadConfig } from "./config/index.ts";
import { USAGE, runCommand } from "./cli/commands.ts";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 78;
    }
    throw e;
  }
  const [command] = argv;
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === "serve") {
    const { configureLogging } = await import("./lib/logging.ts");
    await configureLogging(config.logLevel);
    const { startServer } = await import("./server/serve.ts");
    const s = await startServer(config);
    console.log(`Caracol is running at ${config.origin} (listening on port ${s.port}).`);
    console.log(`Data: ${config.databaseUrl ? "PostgreSQL" : config.dataDir}`);
    console.log(`Create the first admin: npm run caracol -- account create NAME --admin`);
    if (!config.requireSignedFetch) {
      console.warn(
        "Warning: CARACOL_REQUIRE_SIGNED_FETCH is off. Anyone on the web can now fetch every public post,\n" +
          "profile and open collection as ActivityPub JSON without saying who they are (scrapers and\n" +
          "harvesters included), and blocked servers can read public posts by fetching them unsigned.",
      );
    }
    if (config.allowPrivateAddress) {
      console.warn("Warning: CARACOL_ALLOW_PRIVATE_ADDRESS is on: remote servers can make this one fetch private and loopback addresses.");
    }
    const shutdown = async () => {
      await s.stop();
      process.exit(0);
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
    return -1;
  }
  if (command === "migrate") {
    const { openDatabase } = await import("./db/client.ts");
    const { acquireLock } = await import("./cli/lock.ts");
    const release = config.databaseUrl ? () => {} : acquireLock(config.dataDir);
    const d = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db` });
    await d.close();
    release();
    console.log("Migrations applied.");
    return 0;
  }
  const stdin = argv.includes("--password-stdin") ? await readStdin() : "";
  let result;
  if (!config.databaseUrl) {
    const { sendAdminCommand } = await import("./cli/admin-socket.ts");
    result = await sendAdminCommand(config.dataDir, { argv, stdin });
  }
  if (!result) {
    const { openDatabase } = await import("./db/client.ts");
    const { acquireLock, DataDirBusy } = await import("./cli/lock.ts");
    const { createCtx } = await import("./domain/context.ts");
    let release = () => {};
    try {
      if (!config.databaseUrl) release = acquireLock(config.dataDir);
    } catch (e) {
      if (e instanceof DataDirBusy) {
        console.error(`error: ${e.message}, and its admin socket does not answer`);
        return 1;
      }
      throw e;
    }
    const d = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/db` });
    try {
      result = await runCommand(createCtx(d.db, config), argv, stdin);
    } finally {
      await d.close();
      release();
    }
  }
  process.stdout.write(result.out);
  process.stderr.write(result.err);
  return result.code;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
