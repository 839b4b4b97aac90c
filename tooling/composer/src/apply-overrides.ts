import { resolve } from "node:path";
import { resolvePluginRef } from "@loom/protocol";
import type { LoadedManifest } from "./read-manifest.ts";

/**
 * Applies ad-hoc changes from the command line to a loaded manifest, like xcaddy: `with` adds plugins,
 * `replace` points a plugin (by package name) at a local folder (resolved against the working folder).
 * The manifest's hash stays that of the file; the build-info lists the plugins actually built.
 */
export function applyOverrides(loaded: LoadedManifest, options: { with?: string[]; replace?: Record<string, string> }): LoadedManifest {
  if (!options.with?.length && !options.replace) return loaded;
  const replace = options.replace ?? {};
  const plugins = [...loaded.manifest.plugins, ...(options.with ?? [])].map((plugin) => {
    const ref = resolvePluginRef(plugin);
    const name = ref.kind === "folder" ? undefined : ref.name;
    return name !== undefined && replace[name] ? { path: resolve(replace[name]), placement: ref.placement } : plugin;
  });
  return { ...loaded, manifest: { ...loaded.manifest, plugins } };
}
