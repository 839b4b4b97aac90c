import { sep } from "node:path";
import { textResponse } from "@loom/sdk";
import type { HttpHandler } from "@loom/sdk";
import type { FileCache } from "./create-file-cache.ts";
import type { RootGuard } from "@loom/sdk/files";
import { findIndexFile, folderRedirectLocation, resolveRequestPath, statOrUndefined } from "@loom/sdk/files";
import { serveFile, statusResponse } from "./serve-file.ts";

export interface StaticHandlerOptions {
  /** The root's real path. */
  readonly root: string;
  readonly index: readonly string[];
  readonly stripPrefix: string | undefined;
  readonly cache: FileCache;
  readonly guard: RootGuard;
}

/**
 * Creates the request handler of `http.handlers.static`: GET and HEAD only; the path is decoded and
 * checked, a folder is answered by its first index file (a folder named without "/" is redirected with
 * 308 when it has one), and anything missing, outside the root or not a regular file is a 404.
 */
export function createStaticHandler(options: StaticHandlerOptions): HttpHandler["handle"] {
  const { root, index, stripPrefix, cache, guard } = options;

  const findIndex = (folder: string) => findIndexFile(folder, index, guard);

  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(405, "Method Not Allowed\n", { allow: "GET, HEAD", "x-content-type-options": "nosniff" });
    }
    const target = resolveRequestPath(request.url, stripPrefix);
    if (!target.ok) return statusResponse(target.status);
    const path = target.segments.length === 0 ? root : root + sep + target.segments.join(sep);

    if (target.trailingSlash) {
      const found = await findIndex(path);
      return found ? serveFile(request, found.path, found.stats, cache) : statusResponse(404);
    }
    const stats = await statOrUndefined(path);
    if (stats?.isFile()) {
      return (await guard(path, stats)) ? serveFile(request, path, stats, cache) : statusResponse(404);
    }
    if (stats?.isDirectory() && (await findIndex(path))) {
      return { status: 308, headers: { location: folderRedirectLocation(target.rawPath, target.query), "content-length": "0" } };
    }
    return statusResponse(404);
  };
}
