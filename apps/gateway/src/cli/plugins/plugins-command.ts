import type { CliCommand } from "../cli-context.ts";

/** `gateway plugins list [--json]`: the plugins of a running gateway, read from its admin API. */
export const pluginsCommand: CliCommand = {
  name: "plugins",
  summary: "List the plugins of a running gateway: placement, pids, state, calls, latency.",
  usage: "gateway plugins list [--json] [--admin HOST:PORT | --config F]",
  run: async (args, build, io) => (await import("./list-plugins.ts")).listPlugins(args, build, io),
};
