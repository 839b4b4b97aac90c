import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { PROTOCOL_VERSIONS } from "@loom/protocol";
import type { PluginBundle } from "./bundle-plugin.ts";
import { CODE_CACHE_STARTER, PLUGIN_CODE_FILE } from "./code-cache-starter.ts";
import { PLUGINS_DIR, SERVE_PLUGIN_COMMAND } from "./serve-plugin-command.ts";

/** The file a plugin folder runs: CODE_CACHE_STARTER, which compiles the bundle (PLUGIN_CODE_FILE). */
export const PLUGIN_BUNDLE_FILE = "plugin.cjs";

/**
 * A plugin.json as the host's loader reads it (PluginManifestSchema in @loom/runtime, which the composer
 * does not import: a test parses what this writes with the runtime's parsePluginManifest).
 */
export interface PluginFolderManifest {
  name: string;
  version: string;
  placement: "subprocess" | "exec";
  command: string;
  args: string[];
  protocolVersions: number[];
  modules: string[];
  files: Record<string, string>;
}

const sri = (text: string) => `sha256-${createHash("sha256").update(text).digest("base64")}`;

/**
 * The plugin.json of a built plugin folder, `<output>/plugins.d/<folder>/`. An executable distribution
 * runs the plugin with itself (`../../gateway __loom-serve-plugin ./plugin.cjs`, a command with a "/" is
 * relative to the folder), so it needs no Node beside it; a bundle distribution with `node ./plugin.cjs`.
 */
export function pluginFolderManifest(bundle: PluginBundle, distribution: { target: "bundle" | "executable"; binName: string }): PluginFolderManifest {
  const { plugin } = bundle;
  const folder = join(PLUGINS_DIR, bundle.folder);
  const run =
    distribution.target === "executable"
      ? { command: relative(folder, distribution.binName).split("\\").join("/"), args: [SERVE_PLUGIN_COMMAND, `./${PLUGIN_BUNDLE_FILE}`] }
      : { command: "node", args: [`./${PLUGIN_BUNDLE_FILE}`] };
  return {
    name: plugin.name,
    version: plugin.version,
    placement: plugin.placement === "exec" ? "exec" : "subprocess",
    ...run,
    protocolVersions: [...PROTOCOL_VERSIONS],
    modules: [...plugin.modules].sort(),
    files: { [PLUGIN_BUNDLE_FILE]: sri(CODE_CACHE_STARTER), [PLUGIN_CODE_FILE]: sri(bundle.code) },
  };
}
