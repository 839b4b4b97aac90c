import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeExecutable } from "./make-executable.ts";
import { ELF_MACHINE } from "./read-elf-machine.ts";
import type { NodePlatform } from "./read-elf-machine.ts";
import { writeSbom } from "./write-sbom.ts";
import { PLUGINS_DIR } from "./serve-plugin-command.ts";
import { pluginFolderFiles, writePluginFolders } from "./write-plugin-folders.ts";
import { composeEntry } from "./compose-entry.ts";
import type { BuildInfo } from "./generate-entry.ts";
import { findWorkspaceRoot, listWorkspacePackages } from "./find-workspace.ts";
import { applyOverrides } from "./apply-overrides.ts";
import { composerFiles, openBuildStamp } from "./build-stamp.ts";
import { readManifest } from "./read-manifest.ts";
import { resolveDistribution } from "./resolve-distribution.ts";
import { resolveNodeRuntime } from "./resolve-node-runtime.ts";
import type { NodeRuntimePlan } from "./resolve-node-runtime.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";
import { NO_PROGRESS, progressStep } from "./build-progress.ts";
import type { BuildProgress } from "./build-progress.ts";

export interface BuildResult {
  distribution: string;
  /** True when the inputs' content hash matched the last build and nothing was rebuilt. */
  cached: boolean;
  target: "bundle" | "executable";
  output: string;
  entry: string;
  /** The CycloneDX SBOM beside the output. */
  sbom: string;
  bytes: number;
  buildInfo: BuildInfo;
  /** The folders of the plugins with placement subprocess or exec, `<output folder>/plugins.d/<plugin>/`. */
  pluginFolders: string[];
}

/**
 * The running composer's own code, hashed: a change to the composer (new esbuild options, say) must
 * rebuild, even when its version number stays the same.
 */
const COMPOSER_FINGERPRINT = (() => {
  const hash = createHash("sha256").update(readFileSync(new URL("../package.json", import.meta.url)));
  const here = dirname(fileURLToPath(import.meta.url));
  for (const file of composerFiles()) hash.update(relative(here, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
})();

/** Size and modification time of an output: enough to tell that it is still the file loom wrote. */
async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const { size, mtimeMs } = await stat(file);
    return `${size}:${mtimeMs}`;
  } catch {
    return undefined;
  }
}

interface OutputStamp {
  inputsHash: string;
  output: string;
  outputStamp: string;
  /** Each written plugin folder file (plugin.cjs, plugin.json) -> its fileStamp. */
  pluginFiles?: Record<string, string>;
}

async function readStamp(file: string): Promise<OutputStamp | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** True when every file still has the stamp it was written with. */
async function stampsMatch(files: Record<string, string>): Promise<boolean> {
  const now = await Promise.all(Object.entries(files).map(async ([file, stamp]) => (await fileStamp(file)) === stamp));
  return now.every(Boolean);
}

/** One hash over every bundled file's path and bytes plus the given settings. */
async function hashInputs(root: string, inputs: string[], settings: unknown): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(settings));
  const sorted = [...inputs].sort();
  // Read together, hashed in order: one await per file cost ~50 ms for a few hundred files.
  const contents = await Promise.all(sorted.map((input) => readFile(resolve(root, input))));
  for (const [i, input] of sorted.entries()) hash.update(input).update("\0").update(contents[i]!).update("\0");
  return hash.digest("hex");
}

/** What the "node runtime" step shows: `v22.23.3 linux-arm64, cached`. */
function describeRuntime(plan: NodeRuntimePlan): string {
  const fetched = [plan.runtime, plan.blobRuntime].some((r) => r && !r.cached);
  return `${plan.node} ${plan.platform}, ${fetched ? "downloaded" : "cached"}`;
}

export interface BuildOptions {
  /** Where the build reports its steps (the CLI shows them on a terminal); default: nowhere. */
  progress?: BuildProgress;
  outDir?: string;
  /** Extra plugins, as in xcaddy's --with: workspace names, folders or registry specs. */
  with?: string[];
  /** Plugin replacements by package name, as in xcaddy's --replace: name -> local folder. */
  replace?: Record<string, string>;
  /** The npm registry for pinned Node runtimes and registry plugins; default: LOOM_REGISTRY, npm's, the public one. */
  registry?: string;
}

/** Builds one distribution manifest into a bundle or a single executable (with the running Node, or a pinned one from the registry). */
export async function buildDistribution(manifestFile: string, options: BuildOptions = {}): Promise<BuildResult> {
  const progress = options.progress ?? NO_PROGRESS;
  const reading = progress.step("read manifest");
  const loaded = applyOverrides(await readManifest(resolve(manifestFile)), options);
  reading.done();
  const root = findWorkspaceRoot(dirname(loaded.file), process.cwd());
  const stamped = await openBuildStamp(loaded, root, options);
  if (stamped.unchanged) {
    progress.step("hash inputs").done("unchanged");
    return stamped.unchanged;
  }
  const resolving = progress.step("resolve plugins");
  const distribution: ResolvedDistribution = await resolveDistribution(loaded, await listWorkspacePackages(root), { root, registry: options.registry });
  resolving.done(`${distribution.plugins.length} plugin(s)`);
  const { target } = loaded.manifest;
  // A pinned runtime is a step of its own (a download the first time); "current" needs no work.
  const runtime =
    loaded.manifest.node === "current"
      ? await resolveNodeRuntime(loaded)
      : await progressStep(progress, "node runtime", () => resolveNodeRuntime(loaded, { registry: options.registry }), describeRuntime);
  const outDir = resolve(options.outDir ?? (loaded.manifest.output ? resolve(dirname(loaded.file), loaded.manifest.output) : join(root, "dist", loaded.name)));
  await mkdir(outDir, { recursive: true });
  const composing = progress.step("compose entry");
  const { entry, entryDir, buildInfo: info, inputs, bundle: bundleCode, pluginBundles } = await composeEntry(loaded, root, distribution, runtime.node);
  const pluginFolders = pluginBundles.map((b) => join(outDir, PLUGINS_DIR, b.folder));
  composing.done();
  const bundleFile = target === "bundle" ? join(outDir, `${distribution.host.binName}.cjs`) : join(entryDir, `${distribution.host.binName}.cjs`);

  const hashing = progress.step("hash inputs");
  // Same inputs (every bundled file, the manifest, the build-info, the target, the Node runtime, this
  // composer), same output: skip the bundle and executable steps when the last build of this output had them.
  const node = { version: runtime.node, platform: runtime.platform, integrity: runtime.runtime?.integrity ?? "current", blob: runtime.blobRuntime?.integrity };
  const inputsHash = await hashInputs(root, inputs, { info, target, node, output: outDir, composer: COMPOSER_FINGERPRINT });
  const stamp = join(entryDir, "inputs.json");
  const output = target === "executable" ? join(outDir, distribution.host.binName) : bundleFile;
  const sbom = `${output}.cdx.json`;
  const previous = await readStamp(stamp);
  const previousPluginFiles = previous?.pluginFiles ?? {};
  const samePluginFiles =
    Object.keys(previousPluginFiles).sort().join("\n") === pluginFolders.flatMap(pluginFolderFiles).sort().join("\n") && (await stampsMatch(previousPluginFiles));
  if (previous?.inputsHash === inputsHash && previous.output === output && (await fileStamp(output)) === previous.outputStamp && samePluginFiles && existsSync(sbom)) {
    hashing.done("unchanged");
    return stamped.record({ distribution: distribution.name, cached: true, target, output, entry, sbom, bytes: (await stat(output)).size, buildInfo: info, pluginFolders }, inputs);
  }
  hashing.done();
  const bundling = progress.step("bundle");
  await writeFile(bundleFile, bundleCode);
  bundling.done();
  // Also when there are none: a plugin folder an earlier build wrote here is removed.
  const writing = pluginBundles.length > 0 ? progress.step("plugin folders") : undefined;
  await writePluginFolders(outDir, pluginBundles, { target, binName: distribution.host.binName });
  writing?.done(`${pluginBundles.length} in ${PLUGINS_DIR}/`);
  if (target === "executable") {
    const packing = progress.step("executable");
    const platform = runtime.platform in ELF_MACHINE ? (runtime.platform as NodePlatform) : undefined;
    await makeExecutable({ bundle: bundleFile, output, workDir: entryDir, nodeBinary: runtime.baseBinary, blobNodeBinary: runtime.blobBinary, platform });
    packing.done();
  }
  const describing = progress.step("sbom");
  await writeSbom({
    file: sbom,
    root,
    inputs,
    application: { name: distribution.name, version: distribution.version },
    runtime: runtime.runtime,
  });
  describing.done();
  const pluginFiles: Record<string, string> = {};
  for (const file of pluginFolders.flatMap(pluginFolderFiles)) pluginFiles[file] = (await fileStamp(file)) ?? "absent";
  await writeFile(stamp, JSON.stringify({ inputsHash, output, outputStamp: (await fileStamp(output)) ?? "absent", pluginFiles } satisfies OutputStamp, null, 2));
  const bytes = (await stat(output)).size;
  return stamped.record({ distribution: distribution.name, cached: false, target, output, entry, sbom, bytes, buildInfo: info, pluginFolders }, inputs);
}
