import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { DistributionManifestSchema, ErrorCode, LoomError, resolvePluginRef } from "@loom/protocol";
import { didYouMean, zodDiagnostics } from "@loom/runtime";

/** Folders of the workspace's plugins by package name. */
async function workspacePlugins(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(join(root, "plugins"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, "plugins", entry.name);
    try {
      const { name } = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name?: string };
      if (name) found.set(name, dir);
    } catch {
      // Not a package: skip it.
    }
  }
  return found;
}

/**
 * The plugin folders a distribution manifest names: workspace packages (looked up in plugins/) and
 * local folders. Registry specs need the composer, which resolves and locks them.
 */
export async function findWorkspacePlugins(root: string, manifest: string): Promise<string[]> {
  const parsed = DistributionManifestSchema.safeParse(JSON.parse(await readFile(manifest, "utf8")));
  if (!parsed.success) {
    throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `${manifest} is not a valid distribution manifest:`, zodDiagnostics(parsed.error, "", { file: manifest }));
  }
  const available = await workspacePlugins(root);
  return parsed.data.plugins.map((plugin) => {
    const ref = resolvePluginRef(plugin);
    if (ref.kind === "folder") return resolve(dirname(manifest), ref.path);
    if (ref.kind === "registry") {
      throw new LoomError(ErrorCode.MODULE_UNKNOWN, `${manifest}: ${ref.name}@${ref.range} comes from the registry; from sources the gateway loads workspace plugins and folders only`);
    }
    const dir = available.get(ref.name);
    if (dir) return dir;
    const guess = didYouMean(ref.name, [...available.keys()]);
    throw new LoomError(ErrorCode.MODULE_UNKNOWN, `${manifest}: no workspace plugin named ${ref.name}${guess ? `; did you mean ${guess}?` : ""}`);
  });
}
