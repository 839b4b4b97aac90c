import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/**
 * loom's per-user cache folder, shared by every workspace: `$LOOM_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/loom`, else `~/.cache/loom`. Relative values are taken from the working folder;
 * an XDG value that is not absolute is ignored, as the XDG spec asks.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LOOM_CACHE_DIR) return resolve(env.LOOM_CACHE_DIR);
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, "loom");
  return join(homedir(), ".cache", "loom");
}
