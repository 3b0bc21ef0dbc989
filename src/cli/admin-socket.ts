// While the server runs on PGlite it owns the data directory, so admin commands reach it through
// a Unix socket in that directory (mode 0600: only the server's own user can connect).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Ctx } from "../domain/context.ts";
import { runCommand, type CommandResult } from "./commands.ts";

export const socketPath = (dataDir: string) => path.join(dataDir, "admin.sock");

type Request = { argv: string[]; stdin: string };

export function listenAdminSocket(ctx: Ctx, dataDir: string): net.Server {
  const file = socketPath(dataDir);
  try {
    fs.unlinkSync(file);
  } catch {}
  const server = net.createServer((sock) => {
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", async (chunk) => {
      buf += chunk;
      if (buf.length > 1_000_000) return sock.destroy();
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      let result: CommandResult;
      try {
        const req = JSON.parse(buf.slice(0, nl)) as Request;
        result = await runCommand(ctx, req.argv, req.stdin);
      } catch (e) {
        result = { code: 1, out: "", err: `error: ${(e as Error).message}\n` };
      }
      sock.end(JSON.stringify(result) + "\n");
    });
    sock.on("error", () => {});
  });
  const old = process.umask(0o177);
  server.listen(file, () => process.umask(old));
  return server;
}

/** Sends a command to a running server; null if none is listening. */
export function sendAdminCommand(dataDir: string, req: Request): Promise<CommandResult | null> {
  const file = socketPath(dataDir);
  if (!fs.existsSync(file)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(file);
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(JSON.stringify(req) + "\n"));
    sock.on("data", (d) => (buf += d));
    sock.on("end", () => {
      try {
        resolve(JSON.parse(buf) as CommandResult);
      } catch (e) {
        reject(e);
      }
    });
    sock.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNREFUSED" || e.code === "ENOENT" ? resolve(null) : reject(e)));
  });
}
