import type { CliCommand } from "../cli-context.ts";
import { parseCliFlags } from "../parse-cli-args.ts";

/**
 * `gateway build-info [--json]`: what a composed build knows about itself (distribution, commit,
 * plugins). A composed build answers from its embedded build-info without loading any plugin.
 */
export const buildInfoCommand: CliCommand = {
  name: "build-info",
  summary: "Print the build-info a composed build embeds.",
  usage: "gateway build-info [--json]",
  async run(args, build, io) {
    const { json = false } = parseCliFlags("build-info", args, { json: { type: "boolean" } });
    const info = build.buildInfo ?? {
      distribution: "(from sources)",
      plugins: (await build.loadPlugins()).map((p) => ({ name: p.name, version: p.version, placement: "bundled", integrity: "" })),
    };
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
