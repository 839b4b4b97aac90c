import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { packageEntry } from "@loom/protocol";
import type { WorkspacePackage } from "./find-workspace.ts";

export interface PluginListing {
  name: string;
  version: string;
  dir: string;
  modules: { id: string; description: string }[];
}

/** The workspace's plugins (plugins/*) and the modules each provides, sorted by name. */
export async function listPlugins(workspace: Map<string, WorkspacePackage>): Promise<PluginListing[]> {
  const listings: PluginListing[] = [];
  for (const { dir, group, pkg } of workspace.values()) {
    if (group !== "plugins") continue;
    const loaded = (await import(pathToFileURL(join(dir, packageEntry(pkg))).href)) as { plugin?: { modules?: { id: string; description?: string }[] } };
    const modules = (loaded.plugin?.modules ?? []).map((m) => ({ id: m.id, description: m.description ?? "" })).sort((a, b) => a.id.localeCompare(b.id));
    listings.push({ name: pkg.name, version: pkg.version, dir, modules });
  }
  return listings.sort((a, b) => a.name.localeCompare(b.name));
}
