import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { bundlePlugin } from "./bundle-plugin.ts";
import type { PluginBundle } from "./bundle-plugin.ts";
import { generateEntry } from "./generate-entry.ts";
import { gitCommit } from "./git-commit.ts";
import type { BuildInfo } from "./generate-entry.ts";
import { pluginFolderNames } from "./plugin-folder-names.ts";
import { pluginIntegrity } from "./plugin-integrity.ts";
import { probeBundle } from "./probe-bundle.ts";
import type { LoadedManifest } from "./read-manifest.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";

export interface ComposedEntry {
  /** The generated entry file, under `<root>/.loom-cache/<distribution>/`. */
  entry: string;
  entryDir: string;
  buildInfo: BuildInfo;
  /** Every file the bundle and the plugin bundles will contain, relative to the root. */
  inputs: string[];
  /** The CommonJS bundle of the final entry (what esbuild makes of it, without a second esbuild pass). */
  bundle: string;
  /** The plugins with placement subprocess or exec, each bundled on its own, in manifest order. */
  pluginBundles: PluginBundle[];
}

/** Stands for plugin i's integrity in the probe pass: a string literal esbuild copies verbatim. */
const placeholder = (i: number) => `loom-integrity-placeholder-${i}`;

/** Puts each plugin's integrity where its placeholder literal is in the probe's bundle, in one pass; exactly once each. */
function fillIntegrity(code: string, buildInfo: BuildInfo): string {
  const seen = buildInfo.plugins.map(() => 0);
  const filled = code.replace(/"loom-integrity-placeholder-(\d+)"/g, (literal, index: string) => {
    const plugin = buildInfo.plugins[Number(index)];
    if (!plugin) return literal;
    seen[Number(index)]! += 1;
    return JSON.stringify(plugin.integrity);
  });
  const wrong = seen.findIndex((count) => count !== 1);
  if (wrong >= 0) throw new LoomError(ErrorCode.INTERNAL, `the probe bundle holds ${seen[wrong]} copies of ${JSON.stringify(placeholder(wrong))}, not one`);
  return filled;
}

/** Bundles every plugin run out of process; all their problems are reported together. */
async function bundleOutOfProcess(distribution: ResolvedDistribution, root: string, entryDir: string): Promise<PluginBundle[]> {
  const plugins = distribution.plugins.filter((p) => p.placement !== "bundled");
  const folders = pluginFolderNames(plugins);
  const settled = await Promise.allSettled(plugins.map((p) => bundlePlugin(p, folders.get(p.name)!, { root, entryDir, distribution: distribution.name })));
  const problems: Diagnostic[] = settled.flatMap((s) => (s.status === "fulfilled" ? [] : isLoomError(s.reason) ? s.reason.diagnostics : [{ code: ErrorCode.INTERNAL, message: String(s.reason) }]));
  if (problems.length > 0) throw LoomError.fromDiagnostics(ErrorCode.MODULE_DEFINITION_INVALID, "plugins that cannot be bundled to run out of process:", problems);
  return settled.map((s) => (s as PromiseFulfilledResult<PluginBundle>).value);
}

/**
 * Writes the generated entry and probes it: one esbuild pass finds every bundled file (and refuses bundle
 * hazards), then the entry is rewritten with build-info holding each plugin's integrity, and the probe's
 * bundle gets the same values in place of their placeholders. A plugin with placement subprocess or exec
 * is bundled on its own, at the same time (its integrity comes from that bundle, its files count among the
 * inputs). The entry lives under the workspace root, not the output folder: paths in the bundle are relative to the root, so the
 * bytes depend neither on where the output goes nor on where the clone is. `node` is the version the
 * build-info records: the executable's Node (a pinned runtime's), by default the running one.
 */
export async function composeEntry(loaded: LoadedManifest, root: string, distribution: ResolvedDistribution, node = process.version): Promise<ComposedEntry> {
  const entryDir = join(root, ".loom-cache", distribution.name);
  await mkdir(entryDir, { recursive: true });
  const entry = join(entryDir, "entry.ts");
  const buildInfo: BuildInfo = {
    distribution: distribution.name,
    version: distribution.version,
    commit: gitCommit(root),
    manifestSha256: loaded.sha256,
    node,
    ...(process.env.SOURCE_DATE_EPOCH ? { builtAt: new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString() } : {}),
    plugins: distribution.plugins.map((p, i) => ({ name: p.name, version: p.version, placement: p.placement, integrity: placeholder(i) })),
  };
  const { target } = loaded.manifest;
  await writeFile(entry, generateEntry(distribution, buildInfo, entryDir, target));
  const [pluginBundles, probe] = await Promise.all([bundleOutOfProcess(distribution, root, entryDir), probeBundle(entry, root, distribution.plugins)]);
  const hostInputs = Object.keys(probe.metafile.inputs);
  const files = hostInputs.map((input) => resolve(root, input));
  for (const [i, plugin] of distribution.plugins.entries()) {
    const own = pluginBundles.find((b) => b.plugin === plugin);
    buildInfo.plugins[i]!.integrity = own ? own.integrity : await pluginIntegrity(plugin.dir, files);
  }
  // The entry on disk says what the bundle holds; the bundle is the probe's with the integrity filled in
  // (a test checks it equals esbuild's bundle of the final entry).
  await writeFile(entry, generateEntry(distribution, buildInfo, entryDir, target));
  const inputs = [...new Set([...hostInputs, ...pluginBundles.flatMap((b) => b.inputs)])];
  return { entry, entryDir, buildInfo, inputs, bundle: fillIntegrity(probe.code, buildInfo), pluginBundles };
}
