import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { didYouMean, ErrorCode, LoomError, resolvePluginRef } from "@loom/protocol";
import type { Diagnostic, Placement } from "@loom/protocol";
import { checkPlugins } from "./check-plugins.ts";
import { packageEntry } from "@loom/protocol";
import { findWorkspaceRoot, readPackageJson } from "./find-workspace.ts";
import type { WorkspacePackage } from "./find-workspace.ts";
import type { LoadedManifest } from "./read-manifest.ts";
import { resolveRegistryPlugins } from "./resolve-registry-plugins.ts";

export interface ResolvedPlugin {
  name: string;
  version: string;
  dir: string;
  /** The plugin's entry file (absolute). */
  entry: string;
  placement: Placement;
  /** The plugin's `@loom/sdk` peer range, when it declares one. */
  sdkRange: string | undefined;
  /** The module IDs its `plugin` export provides, read at compose time. */
  modules: string[];
}

export interface ResolvedDistribution {
  name: string;
  version: string;
  host: { name: string; version: string; dir: string; entry: string; binName: string };
  plugins: ResolvedPlugin[];
}

export interface ResolveOptions {
  /** The workspace root (registry plugins install under its `.loom-cache/registry/`); default: found from the manifest. */
  root?: string;
  /** The npm registry of registry plugins (`--registry`); default: LOOM_REGISTRY, npm's, the public one. */
  registry?: string;
}

/**
 * Finds the host and every plugin a manifest names; reports every problem together (unknown plugin with
 * a suggestion, a folder without package.json, a plugin listed twice, a registry plugin that cannot be
 * resolved) before anything is bundled. Registry plugins are locked and installed by resolveRegistryPlugins.
 */
export async function resolveDistribution(loaded: LoadedManifest, workspace: Map<string, WorkspacePackage>, options: ResolveOptions = {}): Promise<ResolvedDistribution> {
  const { file, manifest } = loaded;
  const problems: Diagnostic[] = [];
  const host = workspace.get(manifest.host);
  if (!host?.pkg.loom?.host) {
    const hosts = [...workspace.values()].filter((p) => p.pkg.loom?.host).map((p) => p.pkg.name);
    throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `${file}: cannot build:`, [
      { code: ErrorCode.CONFIG_INVALID, file, path: "host", message: `${manifest.host} is not a host package in this workspace`, hint: `hosts here: ${hosts.join(", ") || "(none)"}` },
    ]);
  }
  const plugins: Omit<ResolvedPlugin, "modules">[] = [];
  const pluginNames = [...workspace.values()].filter((p) => p.group === "plugins").map((p) => p.pkg.name);
  const refs = manifest.plugins.map(resolvePluginRef);
  const requests = refs.flatMap((ref, index) => (ref.kind === "registry" ? [{ index, name: ref.name, range: ref.range }] : []));
  const fromRegistry =
    requests.length === 0
      ? { dirs: new Map<string, string>(), problems: [] }
      : await resolveRegistryPlugins({ file, requests, root: options.root ?? findWorkspaceRoot(dirname(file), process.cwd()), hostDir: host.dir, registry: options.registry });
  problems.push(...fromRegistry.problems);
  for (const [index, ref] of refs.entries()) {
    const path = `plugins.${index}`;
    let dir: string;
    if (ref.kind === "registry") {
      const installed = fromRegistry.dirs.get(ref.name);
      if (!installed) continue;
      dir = installed;
    } else if (ref.kind === "folder") {
      dir = resolve(dirname(file), ref.path);
      if (!existsSync(join(dir, "package.json"))) {
        problems.push({ code: ErrorCode.MODULE_UNKNOWN, file, path, message: `plugin folder ${dir} has no package.json`, hint: "point at a plugin package folder" });
        continue;
      }
    } else {
      const found = workspace.get(ref.name);
      if (!found) {
        const guess = didYouMean(ref.name, pluginNames);
        problems.push({ code: ErrorCode.MODULE_UNKNOWN, file, path, message: `no workspace plugin named ${ref.name}`, hint: guess ? `did you mean ${guess}?` : `workspace plugins: ${pluginNames.join(", ")}` });
        continue;
      }
      dir = found.dir;
    }
    const pkg = await readPackageJson(dir);
    if (plugins.some((p) => p.name === pkg.name)) {
      problems.push({ code: ErrorCode.MODULE_DUPLICATE, file, path, message: `${pkg.name} is listed twice`, hint: "remove one entry" });
      continue;
    }
    plugins.push({ name: pkg.name, version: pkg.version, dir, entry: join(dir, packageEntry(pkg)), placement: ref.placement, sdkRange: pkg.peerDependencies?.["@loom/sdk"] });
  }
  const checked = await checkPlugins(plugins, workspace, file);
  problems.push(...checked.problems);
  if (problems.length > 0) throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `${file}: ${problems.length} problem${problems.length > 1 ? "s" : ""}:`, problems);
  const bin = host.pkg.bin;
  return {
    name: loaded.name,
    version: manifest.version ?? host.pkg.version,
    host: {
      name: host.pkg.name,
      version: host.pkg.version,
      dir: host.dir,
      entry: join(host.dir, host.pkg.loom.host.entry),
      binName: typeof bin === "object" ? (Object.keys(bin)[0] ?? "host") : (host.pkg.name.split("/").pop() ?? "host"),
    },
    plugins: plugins.map((plugin, index) => ({ ...plugin, modules: checked.modules[index] ?? [] })),
  };
}
