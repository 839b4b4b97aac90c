import { pathToFileURL } from "node:url";
import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import semver from "semver";
import type { WorkspacePackage } from "./find-workspace.ts";
import type { ResolvedPlugin } from "./resolve-distribution.ts";

/**
 * Compose-time checks over the resolved plugins, all reported together: a plugin's `@loom/sdk` peer range
 * must accept this workspace's SDK, and no two plugins may provide the same module ID.
 */
export async function checkPlugins(plugins: ResolvedPlugin[], workspace: Map<string, WorkspacePackage>, file: string): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  const sdkVersion = workspace.get("@loom/sdk")?.pkg.version;
  const owners = new Map<string, string>();
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
        hint: `build the plugin against @loom/sdk ^${sdkVersion}, or use subprocess placement once it lands`,
      });
    }
    let ids: string[];
    try {
      const loaded = (await import(pathToFileURL(plugin.entry).href)) as { plugin?: { modules?: { id: string }[] } };
      ids = (loaded.plugin?.modules ?? []).map((m) => m.id);
    } catch (error) {
      problems.push({ code: ErrorCode.MODULE_DEFINITION_INVALID, file, path, plugin: plugin.name, message: `cannot load ${plugin.entry}: ${(error as Error).message}` });
      continue;
    }
    for (const id of ids) {
      const owner = owners.get(id);
      if (owner) {
        problems.push({ code: ErrorCode.MODULE_DUPLICATE, file, path, message: `module ${id} is provided by both ${owner} and ${plugin.name}`, hint: "remove one of the two plugins" });
      } else owners.set(id, plugin.name);
    }
  }
  return problems;
}
