import { basename } from "node:path";
import type { ResolvedPlugin } from "./resolve-distribution.ts";

/** A package name as one folder name: `@acme/plugin-x` -> `acme-plugin-x`. */
const fromPackageName = (name: string) => name.replace(/^@/, "").replace(/\//g, "-");

/**
 * The folder under `<output>/plugins.d/` of each plugin run out of process, by package name: the name of
 * the plugin's own folder (`plugins/markdown` -> `markdown`), or, when two plugins share one, each
 * one's package name made a folder name (with -2, -3 … if that is taken too). Deterministic: it depends on the plugin list only.
 */
export function pluginFolderNames(plugins: readonly Pick<ResolvedPlugin, "name" | "dir">[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const plugin of plugins) count.set(basename(plugin.dir), (count.get(basename(plugin.dir)) ?? 0) + 1);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const plugin of plugins) {
    const wanted = count.get(basename(plugin.dir)) === 1 ? basename(plugin.dir) : fromPackageName(plugin.name);
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted}-${n}`;
    taken.add(name);
    names.set(plugin.name, name);
  }
  return names;
}
