import { dirname } from "node:path";
import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import semver from "semver";
import { findWorkspaceRoot } from "./find-workspace.ts";
import type { WorkspacePackage } from "./find-workspace.ts";
import { readPluginExports } from "./read-plugin-exports.ts";
import type { ResolvedPlugin } from "./resolve-distribution.ts";

/** What checkPlugins found: every problem, and each plugin's module IDs (in plugin order; empty for one that failed to load). */
export interface PluginCheck {
  problems: Diagnostic[];
  modules: string[][];
}

/**
 * Compose-time checks over the resolved plugins, all reported together: a plugin's `@loom/sdk` peer range
 * must accept this workspace's SDK, no two plugins may provide the same module ID, and a plugin run out of
 * process (placement subprocess or exec) must provide a module, which its plugin.json lists.
 */
export async function checkPlugins(plugins: readonly Omit<ResolvedPlugin, "modules">[], workspace: Map<string, WorkspacePackage>, file: string): Promise<PluginCheck> {
  const problems: Diagnostic[] = [];
  const modules: string[][] = plugins.map(() => []);
  const sdkVersion = workspace.get("@loom/sdk")?.pkg.version;
  const owners = new Map<string, string>();
  const exports = await readPluginExports(
    plugins.map((p) => p.entry),
    findWorkspaceRoot(dirname(file), process.cwd()),
  );
  for (const [index, plugin] of plugins.entries()) {
    const path = `plugins.${index}`;
    const range = plugin.sdkRange;
    if (sdkVersion && range && !semver.satisfies(sdkVersion, range)) {
      problems.push({
        code: ErrorCode.MODULE_DEFINITION_INVALID,
        file,
        path,
        plugin: plugin.name,
        message: `needs @loom/sdk ${range}, but this build has ${sdkVersion}`,
        hint: `build the plugin against @loom/sdk ^${sdkVersion}`,
      });
    }
    const loaded = exports[index]!;
    if ("error" in loaded) {
      problems.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, file, path, plugin: plugin.name, message: `cannot load ${plugin.entry}: ${loaded.error}` });
      continue;
    }
    if (loaded.plugin === undefined) {
      // The generated entry reads this export (registration is explicit), so it must be there.
      problems.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, file, path, plugin: plugin.name, message: `${plugin.entry} has no \`plugin\` export`, hint: "export const plugin = definePlugin({ name, version, modules }) from the package's entry" });
      continue;
    }
    const ids = ((loaded.plugin as { modules?: { id: string }[] }).modules ?? []).map((m) => m.id);
    modules[index] = ids;
    if (ids.length === 0 && plugin.placement !== "bundled") {
      problems.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, file, path: `${path}.placement`, plugin: plugin.name, message: `provides no module, so there is nothing to run as "${plugin.placement}"`, hint: 'give it a module, or leave out "placement"' });
    }
    for (const id of ids) {
      const owner = owners.get(id);
      if (owner) {
        problems.push({ code: ErrorCode.MODULE_DUPLICATE, file, path, message: `module ${id} is provided by both ${owner} and ${plugin.name}`, hint: "remove one of the two plugins" });
      } else owners.set(id, plugin.name);
    }
  }
  return { problems, modules };
}
