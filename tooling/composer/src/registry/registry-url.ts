import { ErrorCode, LoomError } from "@loom/protocol";

export const DEFAULT_REGISTRY = "https://registry.npmjs.org/";

/**
 * The npm registry loom downloads from: `--registry`, else `LOOM_REGISTRY`, else npm's own
 * `npm_config_registry`, else the public registry. Always ends with a slash.
 */
export function registryUrl(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag ?? env.LOOM_REGISTRY ?? env.npm_config_registry ?? DEFAULT_REGISTRY;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoomError(ErrorCode.USAGE, `registry "${raw}" is not a URL; pass --registry http://host:port/ or set LOOM_REGISTRY`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new LoomError(ErrorCode.USAGE, `registry "${raw}" must be an http or https URL`);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}
