import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { relative, sep } from "node:path";

/**
 * sha256 over a plugin's own bundled files (path and bytes, in path order), as `sha256-<base64>`; `files`
 * are absolute. Own files: inside its folder but not in its dependencies (a registry plugin's folder is
 * itself under node_modules, so only the part below the plugin folder counts).
 */
export async function pluginIntegrity(pluginDir: string, files: readonly string[]): Promise<string> {
  const own = files.filter((file) => file.startsWith(pluginDir + sep) && !relative(pluginDir, file).split(sep).includes("node_modules")).sort();
  const hash = createHash("sha256");
  for (const file of own) hash.update(relative(pluginDir, file)).update("\0").update(await readFile(file)).update("\0");
  return `sha256-${hash.digest("base64")}`;
}
