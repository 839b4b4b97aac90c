import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, LoomError } from "@loom/protocol";
import { parsePluginDefinition } from "@loom/runtime";
import type { PluginDefinition } from "@loom/sdk";
import { z } from "zod";

const PackageJsonSchema = z.looseObject({
  name: z.string(),
  exports: z.union([z.string(), z.looseObject({ ".": z.union([z.string(), z.looseObject({ default: z.string() })]) })]).optional(),
  main: z.string().optional(),
});

/** The entry file a package.json points at (its `exports["."]`, else `main`, else src/index.ts). */
function entryOf(pkg: z.infer<typeof PackageJsonSchema>): string {
  const root = typeof pkg.exports === "string" ? pkg.exports : pkg.exports?.["."];
  if (typeof root === "string") return root;
  if (root) return root.default;
  return pkg.main ?? "src/index.ts";
}

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
  const entry = join(dir, entryOf(pkg.data));
  try {
    await access(entry);
  } catch {
    throw new LoomError(ErrorCode.MODULE_DEFINITION_INVALID, `plugin ${pkg.data.name}: its entry ${entry} (from package.json "exports") does not exist`);
  }
  const loaded = (await import(pathToFileURL(entry).href)) as { plugin?: unknown };
  return parsePluginDefinition(loaded.plugin, entry);
}
