import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ErrorCode } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { Metafile } from "esbuild";

/** The packages a build must hold exactly one copy of: two registries, two SDK versions, two runtimes. */
export const SINGLE_COPY_PACKAGES = ["@loom/sdk", "@loom/runtime", "@loom/protocol"] as const;

/** The nearest package.json's folder and name for a file, memoised per folder. */
function packageOf(file: string, root: string, seen: Map<string, { dir: string; name: string } | null>): { dir: string; name: string } | null {
  const dir = dirname(file);
  const known = seen.get(dir);
  if (known !== undefined) return known;
  let found: { dir: string; name: string } | null = null;
  const manifest = join(dir, "package.json");
  if (existsSync(manifest)) {
    try {
      const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
      found = typeof name === "string" ? { dir, name } : dir === root || dirname(dir) === dir ? null : packageOf(dir, root, seen);
    } catch {
      found = null;
    }
  } else if (dirname(dir) !== dir) {
    found = packageOf(dir, root, seen);
  }
  seen.set(dir, found);
  return found;
}

/**
 * Two copies of `@loom/sdk`, `@loom/runtime` or `@loom/protocol` in one bundle mean two module
 * registries and `instanceof` checks that fail across them. Reports every such package with the folders
 * of its copies and who imports each.
 */
export function findDuplicateCopies(metafile: Metafile, root: string): Diagnostic[] {
  const seen = new Map<string, { dir: string; name: string } | null>();
  const importers = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) importers.set(imported.path, [...(importers.get(imported.path) ?? []), file]);
  }
  const copies = new Map<string, Map<string, string | undefined>>(); // package -> copy folder -> a file outside it that imports it
  for (const file of Object.keys(metafile.inputs)) {
    const owner = packageOf(resolve(root, file), root, seen);
    if (!owner || !(SINGLE_COPY_PACKAGES as readonly string[]).includes(owner.name)) continue;
    const folders = copies.get(owner.name) ?? new Map<string, string | undefined>();
    const outside = (importers.get(file) ?? []).find((importer) => !resolve(root, importer).startsWith(owner.dir + sep));
    if (!folders.get(owner.dir)) folders.set(owner.dir, outside);
    copies.set(owner.name, folders);
  }
  const problems: Diagnostic[] = [];
  for (const [name, folders] of copies) {
    if (folders.size < 2) continue;
    const list = [...folders].map(([dir, importer]) => `${relative(root, dir) || "."}${importer ? ` (reached from ${importer.split(sep).join("/")})` : ""}`);
    problems.push({
      code: ErrorCode.MODULE_DUPLICATE,
      message: `${folders.size} copies of ${name} would be bundled: ${list.join("; ")}`,
      hint: `a plugin must take ${name} from the host: make it a peerDependency, not a dependency, and remove the plugin's own node_modules/${name}`,
    });
  }
  return problems;
}
