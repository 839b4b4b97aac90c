import { join } from "node:path";
import { ErrorCode, LoomError, packageEntry } from "@loom/protocol";
import { findWorkspaceRoot } from "./find-workspace.ts";
import type { WorkspacePackage } from "./find-workspace.ts";
import { readPluginExports } from "./read-plugin-exports.ts";

export interface PluginListing {
  name: string;
  version: string;
  dir: string;
  modules: { id: string; description: string }[];
}

/** The workspace's plugins (plugins/*) and the modules each provides, sorted by name. */
export async function listPlugins(workspace: Map<string, WorkspacePackage>): Promise<PluginListing[]> {
  const listings: PluginListing[] = [];
  const found = [...workspace.values()].filter((p) => p.group === "plugins");
  const entries = found.map(({ dir, pkg }) => join(dir, packageEntry(pkg)));
  const exports = found.length === 0 ? [] : await readPluginExports(entries, findWorkspaceRoot(found[0]!.dir));
  for (const [index, { dir, pkg }] of found.entries()) {
    const loaded = exports[index]!;
    if ("error" in loaded) throw new LoomError(ErrorCode.MODULE_DEFINITION_INVALID, `cannot load ${entries[index]}: ${loaded.error}`);
    const plugin = loaded.plugin as { modules?: { id: string; description?: string }[] } | undefined;
    const modules = (plugin?.modules ?? []).map((m) => ({ id: m.id, description: m.description ?? "" })).sort((a, b) => a.id.localeCompare(b.id));
    listings.push({ name: pkg.name, version: pkg.version, dir, modules });
  }
  return listings.sort((a, b) => a.name.localeCompare(b.name));
}
