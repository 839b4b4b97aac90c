import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { WorkspacePackage } from "./find-workspace.ts";

/** Every distribution manifest of every host in the workspace (its loom.host.distributions folder), sorted. */
export async function findDistributions(workspace: Map<string, WorkspacePackage>): Promise<string[]> {
  const found: string[] = [];
  for (const { dir, pkg } of workspace.values()) {
    const folder = pkg.loom?.host.distributions;
    if (!folder) continue;
    for (const name of await readdir(join(dir, folder))) if (name.endsWith(".json")) found.push(join(dir, folder, name));
  }
  return found.sort();
}
