import type { Stats } from "node:fs";
import { sep } from "node:path";
import type { RootGuard } from "./create-root-guard.ts";
import { statOrUndefined } from "./stat-or-undefined.ts";

/** The first of `names` in `folder` that is a regular file inside the root (per `guard`), with its stats. */
export async function findIndexFile(folder: string, names: readonly string[], guard: RootGuard): Promise<{ path: string; stats: Stats } | undefined> {
  for (const name of names) {
    const path = folder + sep + name;
    const stats = await statOrUndefined(path);
    if (stats?.isFile() && (await guard(path, stats))) return { path, stats };
  }
  return undefined;
}
