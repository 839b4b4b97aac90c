import type { CliCommand } from "../cli-context.ts";

/** `gateway list-modules [--json]`: every module in this build with its plugin and version. */
export const listModulesCommand: CliCommand = {
  name: "list-modules",
  summary: "List every module in this build: ID, plugin, version.",
  usage: "gateway list-modules [--json]",
  run: async (args, build, io) => (await import("./list-modules.ts")).listModules(args, build, io),
};
