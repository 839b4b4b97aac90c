import type { CliCommand } from "../cli-context.ts";

/** `gateway schema [--out F]`: the config's JSON Schema (for editors), with every module's config. */
export const schemaCommand: CliCommand = {
  name: "schema",
  summary: "Print the config's JSON Schema (for editors), including every module's config.",
  usage: "gateway schema [--out <file>] [--plugin-dir <dir>]...",
  run: async (args, build, io) => (await import("./print-schema.ts")).printSchema(args, build, io),
};
