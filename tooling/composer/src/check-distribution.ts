import { dirname, resolve } from "node:path";
import { applyOverrides } from "./apply-overrides.ts";
import { composeEntry } from "./compose-entry.ts";
import { findWorkspaceRoot, listWorkspacePackages } from "./find-workspace.ts";
import { readManifest } from "./read-manifest.ts";
import { resolveDistribution } from "./resolve-distribution.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";

/**
 * Every compose-time check of a manifest (schema, plugins, SDK ranges, module IDs, bundle hazards),
 * without writing a bundle: the entry is generated and probed in memory. Registry plugins are resolved,
 * installed and locked as for a build, so the lock then holds the versions that were checked.
 */
export async function checkDistribution(
  manifestFile: string,
  options: { with?: string[]; replace?: Record<string, string>; registry?: string } = {},
): Promise<ResolvedDistribution> {
  const loaded = applyOverrides(await readManifest(resolve(manifestFile)), options);
  const root = findWorkspaceRoot(dirname(loaded.file), process.cwd());
  const distribution = await resolveDistribution(loaded, await listWorkspacePackages(root), { root, registry: options.registry });
  await composeEntry(loaded, root, distribution);
  return distribution;
}
