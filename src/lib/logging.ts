// Logging through LogTape, which Fedify logs with too. Only `serve` configures it; tests and
// the CLI stay quiet unless they configure it themselves. Log records never include IP
// addresses (docs/PRIVACY.md): nothing in Caracol logs request metadata.
import { configure, getConsoleSink, getLogger } from "@logtape/logtape";

export type LogLevel = "debug" | "info" | "warning" | "error";

export async function configureLogging(level: LogLevel): Promise<void> {
  await configure({
    reset: true,
    sinks: { console: getConsoleSink() },
    loggers: [
      { category: ["caracol"], lowestLevel: level, sinks: ["console"] },
      // Fedify is chatty at info; its warnings and errors are what an operator needs.
      { category: ["fedify"], lowestLevel: level === "debug" ? "debug" : "warning", sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

export const appLogger = getLogger(["caracol", "app"]);
