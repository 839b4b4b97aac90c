import * as z from "zod";
import { readConfig } from "../../config/read-config.ts";
import { createGatewayRegistry } from "../../create-gateway-registry.ts";
import { createRootLogger } from "../../create-root-logger.ts";
import { createGateway } from "../../server/create-gateway.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";

const ArgsSchema = z.object({
  config: z.string({ error: "is required: the gateway config file" }),
  "plugin-dir": z.array(z.string()).default([]),
});

/** The code of `gateway run --config F`: serve until SIGTERM or SIGINT, then shut down gracefully. */
export const runGateway: CliCommand["run"] = async (args, build, io) => {
  const { config: file, "plugin-dir": pluginDirs } = parseCliArgs(
    "run",
    args,
    { config: { type: "string" }, "plugin-dir": { type: "string", multiple: true } },
    ArgsSchema,
  );
  const loaded = await readConfig(file);
  const { logger, flush } = createRootLogger(loaded.config.logging.level);
  const gateway = createGateway({ registry: createGatewayRegistry(await build.loadPlugins()), logger, pluginDirs, buildPluginDirs: build.pluginDirs, metrics: true });
  try {
    await gateway.load(loaded);
  } catch (error) {
    await gateway.shutdown();
    flush();
    throw error;
  }
  io.err(`gateway listening on ${gateway.url}${gateway.adminUrl ? ` (admin API on ${gateway.adminUrl})` : ""}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  logger.info({ signal }, "shutting down");
  const forced = () => {
    logger.warn("second signal: exiting now");
    flush();
    process.exit(1);
  };
  process.once("SIGTERM", forced).once("SIGINT", forced);
  await gateway.shutdown();
  flush();
  return 0;
};
