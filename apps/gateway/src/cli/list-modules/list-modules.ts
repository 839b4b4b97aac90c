import * as z from "zod";
import { createGatewayRegistry } from "../../create-gateway-registry.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";

const ArgsSchema = z.object({ json: z.boolean().default(false) });

/** The code of `gateway list-modules [--json]`: every module in this build with its plugin and version. */
export const listModules: CliCommand["run"] = async (args, build, io) => {
  const { json } = parseCliArgs("list-modules", args, { json: { type: "boolean" } }, ArgsSchema);
  const rows = createGatewayRegistry(await build.loadPlugins())
    .modules()
    .map((m) => ({ id: m.id, plugin: m.plugin.name, version: m.plugin.version, description: m.definition.description ?? "" }));
  if (json) {
    io.out(JSON.stringify(rows, null, 2) + "\n");
    return 0;
  }
  const idWidth = Math.max(2, ...rows.map((r) => r.id.length));
  const pluginWidth = Math.max(6, ...rows.map((r) => r.plugin.length));
  const lines = [`${"ID".padEnd(idWidth)}  ${"PLUGIN".padEnd(pluginWidth)}  VERSION`];
  for (const r of rows) lines.push(`${r.id.padEnd(idWidth)}  ${r.plugin.padEnd(pluginWidth)}  ${r.version}`);
  io.out(lines.join("\n") + "\n");
  return 0;
};
