import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { PLUGIN_MANIFEST_FILE, parsePluginManifest } from "./plugin-manifest.ts";
import type { PluginManifest } from "./plugin-manifest.ts";

/** A plugin folder whose plugin.json is valid and whose files match their hashes. */
export interface FoundPlugin {
  readonly folder: string;
  /** plugin.json as read: a running plugin is reused across reloads while this text is unchanged. */
  readonly manifestText: string;
  readonly manifest: PluginManifest;
}

/** A plugin folder the loader will not run, with every reason; `modules` when its plugin.json said. */
export interface RefusedPlugin {
  readonly folder: string;
  readonly name: string;
  readonly modules: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface PluginDirScan {
  readonly found: FoundPlugin[];
  readonly refused: RefusedPlugin[];
}

/** `sha256-<base64>` of some bytes. */
export function sha256Integrity(bytes: Uint8Array): string {
  return `sha256-${createHash("sha256").update(bytes).digest("base64")}`;
}

/**
 * Reads every `<dir>/<folder>/plugin.json`. A folder whose plugin.json is unreadable or invalid, or
 * one of whose listed files is missing or does not match its hash, is refused with its diagnostics;
 * the others are found. A dir that does not exist holds no plugins (`missingDirs` lists it).
 */
export async function readPluginDirs(dirs: readonly string[]): Promise<PluginDirScan & { missingDirs: string[] }> {
  const found: FoundPlugin[] = [];
  const refused: RefusedPlugin[] = [];
  const missingDirs: string[] = [];
  for (const dir of dirs) {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      missingDirs.push(dir);
      continue;
    }
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const folder = resolve(dir, entry.name);
      const result = await readPluginFolder(folder);
      if (result && "manifest" in result) found.push(result);
      else if (result) refused.push(result);
    }
  }
  return { found, refused, missingDirs };
}

/** One folder: found, refused, or undefined when it holds no plugin.json. */
async function readPluginFolder(folder: string): Promise<FoundPlugin | RefusedPlugin | undefined> {
  const file = join(folder, PLUGIN_MANIFEST_FILE);
  let manifestText: string;
  try {
    manifestText = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return refuse(folder, [], [{ code: ErrorCode.CONFIG_UNREADABLE, file, message: `cannot read ${file}: ${(error as Error).message}` }]);
  }
  let manifest: PluginManifest;
  try {
    let value: unknown;
    try {
      value = JSON.parse(manifestText);
    } catch (error) {
      throw new LoomError(ErrorCode.CONFIG_SYNTAX, `${file} is not valid JSON: ${(error as Error).message}`, {
        diagnostics: [{ code: ErrorCode.CONFIG_SYNTAX, file, message: `not valid JSON: ${(error as Error).message}`, hint: "fix the JSON syntax" }],
      });
    }
    manifest = parsePluginManifest(value, file);
  } catch (error) {
    if (!isLoomError(error)) throw error;
    return refuse(folder, [], error.diagnostics);
  }
  const problems = await checkFiles(folder, manifest);
  if (problems.length > 0) return refuse(folder, manifest.modules, problems, manifest.name);
  return { folder, manifestText, manifest };
}

/** Every listed file that is missing, outside the folder, or does not match its hash. */
async function checkFiles(folder: string, manifest: PluginManifest): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  const manifestFile = join(folder, PLUGIN_MANIFEST_FILE);
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = resolve(folder, name);
    const where = { code: ErrorCode.PLUGIN_START_FAILED, plugin: manifest.name, file, path: `files[${JSON.stringify(name)}]` };
    if (relative(folder, file).startsWith(`..${sep}`) || relative(folder, file) === "..") {
      problems.push({ ...where, message: `${name} is outside the plugin folder`, hint: `list only files inside ${folder} in ${manifestFile}` });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      problems.push({ ...where, message: `${name} is listed in plugin.json but cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, hint: `restore the file or remove it from ${manifestFile}` });
      continue;
    }
    const actual = sha256Integrity(bytes);
    if (actual !== expected) {
      problems.push({
        ...where,
        message: `${name} does not match its hash in plugin.json: expected ${expected}, the file has ${actual}`,
        hint: `the file changed after plugin.json was written; reinstall the plugin, or if you changed it yourself set files["${name}"] to "${actual}" in ${manifestFile}`,
      });
    }
  }
  return problems;
}

function refuse(folder: string, modules: readonly string[], diagnostics: readonly Diagnostic[], name?: string): RefusedPlugin {
  return { folder, name: name ?? folder, modules, diagnostics };
}
