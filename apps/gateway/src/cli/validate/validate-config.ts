import { formatDiagnostic, isLoomError } from "@loom/protocol";
import pino from "pino";
import * as z from "zod";
import { readConfig } from "../../config/read-config.ts";
import { createGatewayRegistry } from "../../create-gateway-registry.ts";
import { createGateway } from "../../server/create-gateway.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";

const ArgsSchema = z.object({
  config: z.string({ error: "is required: the gateway config file" }),
  json: z.boolean().default(false),
  "plugin-dir": z.array(z.string()).default([]),
});

/**
 * The code of `gateway validate --config F`: decodes the config and provisions and validates every module
 * (nothing listens, nothing starts); prints every problem at once and exits 1 when there is any.
 */
export const validateConfig: CliCommand["run"] = async (args, build, io) => {
  const flags = { config: { type: "string" }, json: { type: "boolean" }, "plugin-dir": { type: "string", multiple: true } } as const;
  const { config: file, json, "plugin-dir": pluginDirs } = parseCliArgs("validate", args, flags, ArgsSchema);
  try {
    const loaded = await readConfig(file);
    const logger = pino({ level: "silent" });
    await createGateway({ registry: createGatewayRegistry(await build.loadPlugins()), logger, pluginDirs, buildPluginDirs: build.pluginDirs }).check(loaded);
  } catch (error) {
    if (!isLoomError(error)) throw error;
    const diagnostics = error.diagnostics.length > 0 ? error.diagnostics : [{ code: error.code, message: error.message }];
    if (json) io.out(JSON.stringify({ valid: false, problems: diagnostics }, null, 2) + "\n");
    else io.err(`${file}: ${diagnostics.length} problem${diagnostics.length > 1 ? "s" : ""}\n${diagnostics.map((d) => `  - ${formatDiagnostic(d).replace(/\n/g, "\n    ")}`).join("\n")}\n`);
    return 1;
  }
  if (json) io.out(JSON.stringify({ valid: true, problems: [] }, null, 2) + "\n");
  else io.out(`${file}: valid\n`);
  return 0;
};
