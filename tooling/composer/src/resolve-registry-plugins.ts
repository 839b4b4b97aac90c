import { join } from "node:path";
import semver from "semver";
import { ErrorCode, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { installRegistryPlugins } from "./registry/install-registry-plugins.ts";
import { PLUGIN_LOCK_VERSION, pluginLockFile, readPluginLock, writePluginLock } from "./registry/plugin-lock.ts";
import type { LockedPlugin } from "./registry/plugin-lock.ts";
import { registryUrl } from "./registry/registry-url.ts";
import { resolveRegistryVersion } from "./registry/resolve-registry-version.ts";

/** A manifest entry naming a registry package: `plugins.<index>` is `name@range`. */
export interface RegistryRequest {
  index: number;
  name: string;
  range: string;
}

export interface RegistryResolution {
  /** Each installed plugin's package folder, by name; a plugin that failed is missing (see problems). */
  dirs: Map<string, string>;
  problems: Diagnostic[];
}

const HINTS: Record<string, string> = {
  [ErrorCode.REGISTRY_UNREACHABLE]: "pass --registry <url> or set LOOM_REGISTRY to a registry that answers",
  [ErrorCode.REGISTRY_PACKAGE_INVALID]: "check the package name and range, or the registry (--registry / LOOM_REGISTRY)",
  [ErrorCode.CONFIG_INVALID]: "write a semver range such as ^1.2.0",
};

function problemOf(error: unknown, file: string, path: string): Diagnostic {
  if (!isLoomError(error)) throw error;
  const hint = /satisfies/.test(error.message) ? "change the range in the manifest to one a published version satisfies" : HINTS[error.code];
  return { code: error.code, file, path, message: error.message, ...(hint ? { hint } : {}) };
}

/**
 * Resolves a manifest's registry plugins and installs them with their dependencies. The lock beside
 * the manifest (`<name>.lock`) wins while its version satisfies the manifest's range, even when a newer
 * matching version is published; a plugin that is not locked, or whose range the locked version no
 * longer satisfies, takes the registry's highest matching version, and the lock is rewritten. Every
 * problem (unreachable registry, unknown package, a range nothing satisfies) is one diagnostic at
 * `plugins.<index>`; nothing is installed while there are problems.
 */
export async function resolveRegistryPlugins(options: {
  /** The manifest file. */
  file: string;
  requests: readonly RegistryRequest[];
  root: string;
  hostDir: string;
  /** `--registry`; else LOOM_REGISTRY, npm's registry, the public one. */
  registry?: string | undefined;
}): Promise<RegistryResolution> {
  const { file, root } = options;
  const dirs = new Map<string, string>();
  const requests = options.requests.filter((r, i, all) => all.findIndex((o) => o.name === r.name) === i);
  if (requests.length === 0) return { dirs, problems: [] };
  const lockFile = pluginLockFile(file);
  let lock;
  try {
    lock = await readPluginLock(lockFile);
  } catch (error) {
    if (isLoomError(error) && error.diagnostics.length > 0) return { dirs, problems: error.diagnostics };
    return { dirs, problems: [problemOf(error, lockFile, "(root)")] };
  }
  const registry = registryUrl(options.registry);
  const settled = await Promise.all(
    requests.map(async ({ index, name, range }): Promise<LockedPlugin | Diagnostic> => {
      const locked = lock?.plugins.find((p) => p.name === name);
      if (locked && semver.satisfies(locked.version, range)) return { ...locked, range };
      return resolveRegistryVersion(registry, name, range).catch((error: unknown) => problemOf(error, file, `plugins.${index}`));
    }),
  );
  const problems = settled.filter((s): s is Diagnostic => "code" in s);
  if (problems.length > 0) return { dirs, problems };
  const plugins = (settled as LockedPlugin[]).sort((a, b) => a.name.localeCompare(b.name));
  const frozen =
    lock !== undefined &&
    lock.plugins.length === plugins.length &&
    plugins.every((p) => lock.plugins.some((l) => l.name === p.name && l.version === p.version && l.integrity === p.integrity));
  let installed;
  try {
    installed = await installRegistryPlugins({ root, registry, hostDir: options.hostDir, plugins, packageLock: lock?.packageLock, frozen });
  } catch (error) {
    return { dirs, problems: [problemOf(error, file, "plugins")] };
  }
  await writePluginLock(lockFile, { lockfileVersion: PLUGIN_LOCK_VERSION, plugins, packageLock: installed.packageLock });
  for (const plugin of plugins) dirs.set(plugin.name, join(installed.dir, "node_modules", plugin.name));
  return { dirs, problems: [] };
}
