import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import type { WorkspacePackage } from "./find-workspace.ts";
import { MANIFEST_SUFFIX } from "./read-manifest.ts";

/**
 * Every distribution manifest (JSON or YAML) of every host in the workspace (its loom.host.distributions
 * folder), sorted. Two manifests of one name in one folder (default.json and default.yaml) are refused.
 */
export async function findDistributions(workspace: Map<string, WorkspacePackage>): Promise<string[]> {
  const found: string[] = [];
  for (const { dir, pkg } of workspace.values()) {
    const folder = pkg.loom?.host.distributions;
    if (!folder) continue;
    const byName = new Map<string, string>();
    for (const name of (await readdir(join(dir, folder))).sort()) {
      if (!MANIFEST_SUFFIX.test(name)) continue;
      const distribution = name.replace(MANIFEST_SUFFIX, "");
      const twin = byName.get(distribution);
      if (twin !== undefined) {
        throw new LoomError(
          ErrorCode.CONFIG_INVALID,
          `${join(dir, folder)}: ${twin} and ${name} both define distribution "${distribution}"; keep one of them`,
        );
      }
      byName.set(distribution, name);
      found.push(join(dir, folder, name));
    }
  }
  return found.sort();
}
