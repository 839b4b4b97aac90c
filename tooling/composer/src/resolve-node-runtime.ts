import { execFile } from "node:child_process";
import { promisify } from "node:util";
import semver from "semver";
import { ErrorCode, isLoomError, LoomError } from "@loom/protocol";
import { ELF_MACHINE } from "./read-elf-machine.ts";
import type { NodePlatform } from "./read-elf-machine.ts";
import type { LoadedManifest } from "./read-manifest.ts";
import { fetchNodeRuntime } from "./registry/fetch-node-runtime.ts";
import type { NodeRuntime } from "./registry/fetch-node-runtime.ts";
import { registryUrl } from "./registry/registry-url.ts";
import { resolveCacheDir } from "./registry/resolve-cache-dir.ts";

const run = promisify(execFile);

/** The oldest Node a pinned runtime may be: the bundle's esbuild target (esbuild-base.ts). */
export const MIN_PINNED_NODE_MAJOR = 20;

/** Which Node binaries a build uses, and what it records about them. */
export interface NodeRuntimePlan {
  /** The executable's Node version as `process.version` prints it (v22.23.3); goes into build-info. */
  node: string;
  /** The executable's platform, e.g. linux-arm64. */
  platform: string;
  /** The Node binary the executable is a copy of. */
  baseBinary: string;
  /** The Node binary that makes the SEA blob: the same version as the base, runnable on this machine. */
  blobBinary: string;
  /** The pinned runtime package the executable copies (absent for "current"). */
  runtime?: NodeRuntime;
  /** The package of the blob maker, when it is not `runtime` (cross-building linux-arm64 on linux-x64). */
  blobRuntime?: NodeRuntime;
}

/** This machine's platform, if loom can build pinned runtimes on it. */
export function hostPlatform(): NodePlatform | undefined {
  const platform = `${process.platform}-${process.arch}`;
  return platform in ELF_MACHINE ? (platform as NodePlatform) : undefined;
}

/**
 * Chooses the Node of a build from the manifest's `node` and `platform`. "current" is the running
 * Node. A pinned version comes from the registry package `node-<platform>` (cached per user); its SEA
 * blob is made by the same version's binary for this machine, which for a cross-build is a second
 * package: blobs without snapshot or code cache are the same on every platform (docs/decisions.md).
 */
export async function resolveNodeRuntime(loaded: LoadedManifest, options: { registry?: string | undefined; env?: NodeJS.ProcessEnv } = {}): Promise<NodeRuntimePlan> {
  const { file } = loaded;
  const { node, platform, target } = loaded.manifest;
  const host = hostPlatform();
  if (node === "current") {
    if (target === "executable" && platform !== undefined && platform !== host) {
      throw new LoomError(
        ErrorCode.USAGE,
        `${file}: platform "${platform}": node "current" is this machine's Node (${process.platform}-${process.arch}) and cannot run there; pin a version to cross-build, e.g. "node": "${process.versions.node}"`,
      );
    }
    return { node: process.version, platform: platform ?? `${process.platform}-${process.arch}`, baseBinary: process.execPath, blobBinary: process.execPath };
  }
  if (target !== "executable") {
    throw new LoomError(
      ErrorCode.USAGE,
      `${file}: node "${node}": a pinned runtime is for "target": "executable"; a bundle runs on whichever Node starts it. Remove "node" or set "target": "executable"`,
    );
  }
  if (semver.major(node) < MIN_PINNED_NODE_MAJOR) {
    throw new LoomError(ErrorCode.USAGE, `${file}: node "${node}": loom's bundles target Node ${MIN_PINNED_NODE_MAJOR} and later; pin ${MIN_PINNED_NODE_MAJOR}.0.0 or newer`);
  }
  if (!host) {
    throw new LoomError(
      ErrorCode.USAGE,
      `${file}: node "${node}": pinned runtimes are built on linux-x64 or linux-arm64 (the blob is made by the pinned version's binary for the build machine); this machine is ${process.platform}-${process.arch}. Use "node": "current" here`,
    );
  }
  const wanted = platform ?? host;
  const registry = registryUrl(options.registry, options.env);
  const cacheDir = resolveCacheDir(options.env);
  const fetchFor = (p: NodePlatform) =>
    fetchNodeRuntime({ version: node, platform: p, registry, cacheDir }).catch((error: unknown) => {
      const prefix = `${file}: node "${node}" for ${p}`;
      if (isLoomError(error)) throw new LoomError(error.code, `${prefix}: ${error.message}`, { cause: error });
      // Not the registry's fault: the cache folder (full disk, no permission).
      throw new LoomError(ErrorCode.INTERNAL, `${prefix}: the runtime cache ${cacheDir} failed: ${(error as Error).message}; set LOOM_CACHE_DIR to a writable folder`, {
        cause: error,
      });
    });
  const runtime = await fetchFor(wanted);
  const blobRuntime = wanted === host ? runtime : await fetchFor(host);
  await checkVersion(file, blobRuntime, `v${node}`);
  return {
    node: `v${node}`,
    platform: wanted,
    baseBinary: runtime.binary,
    blobBinary: blobRuntime.binary,
    runtime,
    ...(blobRuntime === runtime ? {} : { blobRuntime }),
  };
}

/** Runs the blob maker once: a package whose `bin/node` is another version would make a blob the executable rejects. */
async function checkVersion(file: string, runtime: NodeRuntime, expected: string): Promise<void> {
  let reported: string;
  try {
    reported = (await run(runtime.binary, ["--version"], { timeout: 30_000 })).stdout.trim();
  } catch (error) {
    throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `${file}: ${runtime.binary} (${runtime.name}@${runtime.version}) does not run: ${(error as Error).message}`, { cause: error });
  }
  if (reported !== expected) {
    throw new LoomError(
      ErrorCode.REGISTRY_PACKAGE_INVALID,
      `${file}: ${runtime.binary} reports ${reported}, not ${expected}: the package ${runtime.name}@${runtime.version} holds another Node; delete ${runtime.dir} and check the registry`,
    );
  }
}
