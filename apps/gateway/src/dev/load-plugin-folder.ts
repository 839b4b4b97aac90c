import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, LoomError, PackageJsonSchema, packageEntry } from "@loom/protocol";
import { parsePluginDefinition } from "@loom/runtime";
import type { PluginDefinition } from "@loom/sdk";

/** Imports a plugin package from its folder (sources run through tsx) and checks its `plugin` export. */
export async function loadPluginFolder(dir: string): Promise<PluginDefinition> {
  const manifest = join(dir, "package.json");
  let text: string;
  try {
    text = await readFile(manifest, "utf8");
  } catch {
    throw new LoomError(ErrorCode.MODULE_DEFINITION_INVALID, `plugin folder ${dir} has no package.json`);
  }
  const pkg = PackageJsonSchema.safeParse(JSON.parse(text));
  if (!pkg.success) throw new LoomError(ErrorCode.MODULE_DEFINITION_INVALID, `${manifest}: ${pkg.error.issues[0]?.message}`);
  const entry = join(dir, packageEntry(pkg.data));
  try {
    await access(entry);
  } catch {
    throw new LoomError(ErrorCode.MODULE_DEFINITION_INVALID, `plugin ${pkg.data.name}: its entry ${entry} (from package.json "exports") does not exist`);
  }
  const loaded = (await import(pathToFileURL(entry).href)) as { plugin?: unknown };
  return parsePluginDefinition(loaded.plugin, entry);
}
