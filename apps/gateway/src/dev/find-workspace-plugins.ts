import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import { didYouMean } from "@loom/runtime";
import { z } from "zod";

const DistributionSchema = z.looseObject({ plugins: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])) });

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

/** The folders of the plugins a distribution manifest lists, looked up in the workspace's plugins/. */
export async function findWorkspacePlugins(root: string, manifest: string): Promise<string[]> {
  const parsed = DistributionSchema.safeParse(JSON.parse(await readFile(manifest, "utf8")));
  if (!parsed.success) throw new LoomError(ErrorCode.CONFIG_INVALID, `${manifest}: plugins: ${parsed.error.issues[0]?.message}`);
  const available = await workspacePlugins(root);
  return parsed.data.plugins.map((plugin) => {
    const name = typeof plugin === "string" ? plugin : plugin.name;
    const dir = available.get(name);
    if (dir) return dir;
    const guess = didYouMean(name, [...available.keys()]);
    throw new LoomError(ErrorCode.MODULE_UNKNOWN, `${manifest}: no workspace plugin named ${name}${guess ? `; did you mean ${guess}?` : ""}`);
  });
}
