import type { CliCommand } from "../cli-context.ts";

/** `gateway validate --config F`: every problem of a config at once (nothing listens, nothing starts). */
export const validateCommand: CliCommand = {
  name: "validate",
  summary: "Check a config: every problem at once, exit 1 if any.",
  usage: "gateway validate --config <file> [--json] [--plugin-dir <dir>]...",
  run: async (args, build, io) => (await import("./validate-config.ts")).validateConfig(args, build, io),
};
