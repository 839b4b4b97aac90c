import { z } from "zod";
import type { CliCommand } from "../cli-context.ts";
import { parseCliArgs } from "../parse-cli-args.ts";

const ArgsSchema = z.object({ json: z.boolean().default(false) });

/** `gateway build-info [--json]`: what a composed build knows about itself (distribution, commit, plugins). */
export const buildInfoCommand: CliCommand = {
  name: "build-info",
  summary: "Print the build-info a composed build embeds.",
  usage: "gateway build-info [--json]",
  async run(args, build, io) {
    const { json } = parseCliArgs("build-info", args, { json: { type: "boolean" } }, ArgsSchema);
    const info = build.buildInfo ?? { distribution: "(from sources)", plugins: build.plugins.map((p) => ({ name: p.name, version: p.version, placement: "bundled", integrity: "" })) };
    if (json) {
      io.out(JSON.stringify(info, null, 2) + "\n");
      return 0;
    }
    const lines = Object.entries(info)
      .filter(([key]) => key !== "plugins")
      .map(([key, value]) => `${key}: ${String(value)}`);
    const plugins = (info.plugins ?? []) as { name: string; version: string; placement: string; integrity: string }[];
    lines.push(`plugins: ${plugins.length}`);
    for (const p of plugins) lines.push(`  ${p.name}@${p.version} (${p.placement})${p.integrity ? ` ${p.integrity}` : ""}`);
    io.out(lines.join("\n") + "\n");
    return 0;
  },
};
