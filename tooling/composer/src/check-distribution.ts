import { dirname, resolve } from "node:path";
import { applyOverrides } from "./apply-overrides.ts";
import { findWorkspaceRoot, listWorkspacePackages } from "./find-workspace.ts";
import { readManifest } from "./read-manifest.ts";
import { resolveDistribution } from "./resolve-distribution.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";

/** Every compose-time check of a manifest (schema, plugins, SDK ranges, module IDs), without bundling. */
export async function checkDistribution(
  manifestFile: string,
  options: { with?: string[]; replace?: Record<string, string> } = {},
): Promise<ResolvedDistribution> {
  const loaded = applyOverrides(await readManifest(resolve(manifestFile)), options);
  const root = findWorkspaceRoot(dirname(loaded.file), process.cwd());
  return resolveDistribution(loaded, await listWorkspacePackages(root));
}
