import { mkdir, readFile, readdir, rm, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";
import type { PluginBundle } from "./bundle-plugin.ts";
import { CODE_CACHE_STARTER, PLUGIN_CODE_FILE } from "./code-cache-starter.ts";
import { PLUGIN_BUNDLE_FILE, pluginFolderManifest } from "./plugin-folder-manifest.ts";
import { PLUGINS_DIR } from "./serve-plugin-command.ts";

/** In `<output>/plugins.d/`: the folders the last build wrote there (the loader reads folders only). */
export const WRITTEN_FOLDERS_FILE = ".loom-folders.json";

const WrittenFoldersSchema = z.strictObject({
  folders: z.array(z.string().regex(/^(?!\.\.?$)[^/\\]+$/)).describe("Folder names under plugins.d/ that loom wrote."),
});

/** The files of a built plugin folder, in the order they are written. */
export const pluginFolderFiles = (folder: string): string[] => [join(folder, PLUGIN_CODE_FILE), join(folder, PLUGIN_BUNDLE_FILE), join(folder, "plugin.json")];

/** The folders the last build recorded; none when the record is missing or not loom's (nothing is removed then). */
async function readWrittenFolders(pluginsDir: string): Promise<string[]> {
  try {
    const parsed = WrittenFoldersSchema.safeParse(JSON.parse(await readFile(join(pluginsDir, WRITTEN_FOLDERS_FILE), "utf8")));
    return parsed.success ? parsed.data.folders : [];
  } catch {
    return [];
  }
}

/**
 * Writes `<outDir>/plugins.d/<folder>/` (plugin.code.cjs, plugin.cjs, then plugin.json) for each bundle, and removes the
 * folders an earlier build wrote there that this one does not (a plugin bundled again, or dropped, must not
 * still start out of process); folders loom did not write are left alone. Returns the folders written.
 */
export async function writePluginFolders(outDir: string, bundles: readonly PluginBundle[], distribution: { target: "bundle" | "executable"; binName: string }): Promise<string[]> {
  const pluginsDir = join(outDir, PLUGINS_DIR);
  const names = bundles.map((bundle) => bundle.folder);
  for (const stale of await readWrittenFolders(pluginsDir)) if (!names.includes(stale)) await rm(join(pluginsDir, stale), { recursive: true, force: true });
  if (bundles.length === 0) {
    await rm(join(pluginsDir, WRITTEN_FOLDERS_FILE), { force: true });
    if ((await readdir(pluginsDir).catch(() => ["?"])).length === 0) await rmdir(pluginsDir);
    return [];
  }
  const folders = names.map((name) => join(pluginsDir, name));
  for (const [i, bundle] of bundles.entries()) {
    const [code, starter, manifest] = pluginFolderFiles(folders[i]!);
    await mkdir(folders[i]!, { recursive: true });
    await writeFile(code!, bundle.code);
    await writeFile(starter!, CODE_CACHE_STARTER);
    await writeFile(manifest!, JSON.stringify(pluginFolderManifest(bundle, distribution), null, 2) + "\n");
  }
  await writeFile(join(pluginsDir, WRITTEN_FOLDERS_FILE), JSON.stringify({ folders: [...names].sort() }, null, 2) + "\n");
  return folders;
}
