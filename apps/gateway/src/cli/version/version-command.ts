import pkg from "../../../package.json" with { type: "json" };
import type { CliCommand } from "../cli-context.ts";
import { parseCliFlags } from "../parse-cli-args.ts";

/** `gateway version [--json]`: the gateway's version and the Node runtime. Loads no plugin, zod or pino. */
export const versionCommand: CliCommand = {
  name: "version",
  summary: "Print the version.",
  usage: "gateway version [--json]",
  async run(args, build, io) {
    const { json = false } = parseCliFlags("version", args, { json: { type: "boolean" } });
    const version = typeof build.buildInfo?.version === "string" ? build.buildInfo.version : pkg.version;
    if (json) io.out(JSON.stringify({ name: "gateway", version, node: process.version }) + "\n");
    else io.out(`gateway ${version} (node ${process.version})\n`);
    return 0;
  },
};
