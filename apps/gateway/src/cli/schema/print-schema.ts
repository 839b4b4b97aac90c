import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import pino from "pino";
import * as z from "zod";
import { buildConfigJsonSchema } from "../../config/build-config-json-schema.ts";
import { createGatewayRegistry } from "../../create-gateway-registry.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";
import { describeFolderPlugins } from "./describe-folder-plugins.ts";

const ArgsSchema = z.object({ out: z.string().optional(), "plugin-dir": z.array(z.string()).default([]) });

/**
 * The code of `gateway schema [--out F] [--plugin-dir D]...`: the config's JSON Schema, with the config
 * of every module in this build and of every out-of-tree plugin in the plugin dirs (`--plugin-dir`,
 * then the build's own plugins.d/), each started once for its handshake.
 */
export const printSchema: CliCommand["run"] = async (args, build, io) => {
  const flags = { out: { type: "string" }, "plugin-dir": { type: "string", multiple: true } } as const;
  const { out, "plugin-dir": pluginDirs } = parseCliArgs("schema", args, flags, ArgsSchema);
  const bundled = await build.loadPlugins();
  const dirs = [...pluginDirs.map((dir) => resolve(dir)), ...(build.pluginDirs ?? []).map((dir) => resolve(dir))];
  const registry = createGatewayRegistry(bundled);
  const taken = new Set(registry.modules().map((m) => m.id));
  const folders = dirs.length > 0 ? await describeFolderPlugins(dirs, taken, pino({ level: "silent" })) : { plugins: [], configSchemas: new Map() };
  for (const plugin of folders.plugins) registry.register(plugin);
  const text = JSON.stringify(buildConfigJsonSchema(registry, folders.configSchemas), null, 2) + "\n";
  if (out) await writeFile(out, text);
  else io.out(text);
  return 0;
};
