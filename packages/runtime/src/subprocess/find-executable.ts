import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

const cache = new Map<string, string | null>();

/**
 * The absolute path of a program found in PATH, or undefined. Checked once per name and process: the
 * launcher asks for `setpriv` and `prlimit` on every start, and PATH lookups would cost a syscall each.
 */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  const key = `${name}\0${path}`;
  const known = cache.get(key);
  if (known !== undefined) return known ?? undefined;
  let found: string | null = null;
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) {
        found = candidate;
        break;
      }
    } catch {
      // not here
    }
  }
  cache.set(key, found);
  return found ?? undefined;
}
