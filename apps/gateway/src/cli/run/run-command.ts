import type { CliCommand } from "../cli-context.ts";

/** `gateway run --config F`: serve until SIGTERM or SIGINT, then shut down gracefully. */
export const runCommand: CliCommand = {
  name: "run",
  summary: "Serve with a config until SIGTERM/SIGINT.",
  usage: "gateway run --config <file> [--plugin-dir <dir>]...",
  run: async (args, build, io) => (await import("./run-gateway.ts")).runGateway(args, build, io),
};
