import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";
import { ErrorCode, LoomError } from "@loom/protocol";
import { esbuildBase } from "./esbuild-base.ts";
import { makeExecutable } from "./make-executable.ts";
import { bundlingFailure } from "./probe-bundle.ts";
import { writeSbom } from "./write-sbom.ts";
import { composeEntry } from "./compose-entry.ts";
import type { BuildInfo } from "./generate-entry.ts";
import { findWorkspaceRoot, listWorkspacePackages } from "./find-workspace.ts";
import { applyOverrides } from "./apply-overrides.ts";
import { readManifest } from "./read-manifest.ts";
import { resolveDistribution } from "./resolve-distribution.ts";
import type { ResolvedDistribution } from "./resolve-distribution.ts";

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
}

const COMPOSER_VERSION = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version as string;

/** Size and modification time of an output: enough to tell that it is still the file loom wrote. */
async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const { size, mtimeMs } = await stat(file);
    return `${size}:${mtimeMs}`;
  } catch {
    return undefined;
  }
}

async function readStamp(file: string): Promise<{ inputsHash: string; output: string; outputStamp: string } | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** One hash over every bundled file's path and bytes plus the given settings. */
async function hashInputs(root: string, inputs: string[], settings: unknown): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(settings));
  for (const input of [...inputs].sort()) hash.update(input).update("\0").update(await readFile(resolve(root, input))).update("\0");
  return hash.digest("hex");
}

async function bundle(entry: string, outfile: string, root: string) {
  try {
    return await build({ ...esbuildBase(root), entryPoints: [entry], outfile, write: true, metafile: true });
  } catch (error) {
    throw bundlingFailure(entry, error);
  }
}

export interface BuildOptions {
  outDir?: string;
  /** Extra plugins, as in xcaddy's --with: workspace names, folders or registry specs. */
  with?: string[];
  /** Plugin replacements by package name, as in xcaddy's --replace: name -> local folder. */
  replace?: Record<string, string>;
}

/** Builds one distribution manifest into a bundle or a single executable (with the running Node). */
export async function buildDistribution(manifestFile: string, options: BuildOptions = {}): Promise<BuildResult> {
  const loaded = applyOverrides(await readManifest(resolve(manifestFile)), options);
  const root = findWorkspaceRoot(dirname(loaded.file), process.cwd());
  const distribution: ResolvedDistribution = await resolveDistribution(loaded, await listWorkspacePackages(root));
  const { target, node } = loaded.manifest;
  if (node !== "current") {
    throw new LoomError(ErrorCode.USAGE, `${loaded.file}: node "${node}": pinned Node runtimes are not supported by this composer yet; use "current"`);
  }
  const outDir = resolve(options.outDir ?? (loaded.manifest.output ? resolve(dirname(loaded.file), loaded.manifest.output) : join(root, "dist", loaded.name)));
  await mkdir(outDir, { recursive: true });
  const { entry, entryDir, buildInfo: info, inputs } = await composeEntry(loaded, root, distribution);
  const bundleFile = target === "bundle" ? join(outDir, `${distribution.host.binName}.cjs`) : join(entryDir, `${distribution.host.binName}.cjs`);

  // Same inputs (every bundled file, the manifest, the build-info, the target, this composer), same
  // output: skip the bundle and executable steps when the last build of this output had them.
  const inputsHash = await hashInputs(root, inputs, { info, target, output: outDir, composer: COMPOSER_VERSION });
  const stamp = join(entryDir, "inputs.json");
  const output = target === "executable" ? join(outDir, distribution.host.binName) : bundleFile;
  const sbom = `${output}.cdx.json`;
  const previous = await readStamp(stamp);
  if (previous?.inputsHash === inputsHash && previous.output === output && (await fileStamp(output)) === previous.outputStamp && existsSync(sbom)) {
    return { distribution: distribution.name, cached: true, target, output, entry, sbom, bytes: (await stat(output)).size, buildInfo: info };
  }
  const final = await bundle(entry, bundleFile, root);
  if (target === "executable") await makeExecutable({ bundle: bundleFile, output, workDir: entryDir, nodeBinary: process.execPath });
  await writeSbom({ file: sbom, root, inputs: Object.keys(final.metafile!.inputs), application: { name: distribution.name, version: distribution.version } });
  await writeFile(stamp, JSON.stringify({ inputsHash, output, outputStamp: await fileStamp(output) }, null, 2));
  const bytes = (await stat(output)).size;
  return { distribution: distribution.name, cached: false, target, output, entry, sbom, bytes, buildInfo: info };
}
