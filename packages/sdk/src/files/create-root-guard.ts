import { realpath } from "node:fs/promises";
import { sep } from "node:path";
import type { Stats } from "node:fs";

/** How many verified paths a guard remembers before it starts over. */
export const ROOT_GUARD_MAX_ENTRIES = 10_000;

/** Checks that a path, once symlinks are resolved, is still inside the root. */
export type RootGuard = (path: string, stats: Stats) => Promise<boolean>;

/**
 * Creates a guard for a real root folder. A path is checked with `realpath` the first time and again
 * whenever the file it names changes (another device or inode), so a symlink pointing out of the root is
 * refused while the common case costs no extra system call.
 */
export function createRootGuard(realRoot: string): RootGuard {
  const prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  const verified = new Map<string, { dev: number; ino: number }>();
  return async (path, stats) => {
    const known = verified.get(path);
    if (known !== undefined && known.ino === stats.ino && known.dev === stats.dev) return true;
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return false;
    }
    if (real !== realRoot && !real.startsWith(prefix)) return false;
    if (verified.size >= ROOT_GUARD_MAX_ENTRIES) verified.clear();
    verified.set(path, { dev: stats.dev, ino: stats.ino });
    return true;
  };
}
