import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import { generateEntry } from "./generate-entry.ts";
import { gitCommit } from "./git-commit.ts";
import type { BuildInfo } from "./generate-entry.ts";
import { probeBundle } from "./probe-bundle.ts";
import type { LoadedManifest } from "./read-manifest.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";

export interface ComposedEntry {
  /** The generated entry file, under `<root>/.loom-cache/<distribution>/`. */
  entry: string;
  entryDir: string;
  buildInfo: BuildInfo;
  /** Every file the bundle will contain, relative to the root. */
  inputs: string[];
  /** The CommonJS bundle of the final entry (what esbuild makes of it, without a second esbuild pass). */
  bundle: string;
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

/** sha256 over a plugin's own bundled files (path and bytes, in path order); `files` are absolute. */
async function integrity(pluginDir: string, files: string[]): Promise<string> {
  // The plugin's own files: inside its folder but not in its dependencies (a registry plugin's folder is
  // itself under node_modules, so only the part below the plugin folder counts).
  const own = files
    .filter((file) => file.startsWith(pluginDir + sep) && !relative(pluginDir, file).split(sep).includes("node_modules"))
    .sort();
  const hash = createHash("sha256");
  for (const file of own) hash.update(relative(pluginDir, file)).update("\0").update(await readFile(file)).update("\0");
  return `sha256-${hash.digest("base64")}`;
}

/**
 * Writes the generated entry and probes it: one esbuild pass finds every bundled file (and refuses bundle
 * hazards), then the entry is rewritten with build-info holding each plugin's integrity, and the probe's
 * bundle gets the same values in place of their placeholders. The entry lives
 * under the workspace root, not the output folder: paths in the bundle are relative to the root, so the
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
  await writeFile(entry, generateEntry(distribution, buildInfo, entryDir));
  const probe = await probeBundle(entry, root, distribution.plugins);
  const inputs = Object.keys(probe.metafile.inputs);
  const files = inputs.map((input) => resolve(root, input));
  for (const [i, plugin] of distribution.plugins.entries()) buildInfo.plugins[i]!.integrity = await integrity(plugin.dir, files);
  // The entry on disk says what the bundle holds; the bundle is the probe's with the integrity filled in
  // (a test checks it equals esbuild's bundle of the final entry).
  await writeFile(entry, generateEntry(distribution, buildInfo, entryDir));
  return { entry, entryDir, buildInfo, inputs, bundle: fillIntegrity(probe.code, buildInfo) };
}
