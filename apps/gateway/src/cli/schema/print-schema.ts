import { writeFile } from "node:fs/promises";
import * as z from "zod";
import { buildConfigJsonSchema } from "../../config/build-config-json-schema.ts";
import { createGatewayRegistry } from "../../create-gateway-registry.ts";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";

const ArgsSchema = z.object({ out: z.string().optional() });

/** The code of `gateway schema [--out F]`: the config's JSON Schema, with the config of every module in this build. */
export const printSchema: CliCommand["run"] = async (args, build, io) => {
  const { out } = parseCliArgs("schema", args, { out: { type: "string" } }, ArgsSchema);
  const text = JSON.stringify(buildConfigJsonSchema(createGatewayRegistry(await build.loadPlugins())), null, 2) + "\n";
  if (out) await writeFile(out, text);
  else io.out(text);
  return 0;
};
