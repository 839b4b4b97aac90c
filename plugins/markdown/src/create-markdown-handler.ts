import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Stats } from "node:fs";
import { sep } from "node:path";
import { etagListMatches, headerValue, textResponse } from "@loom/sdk";
import type { HttpHandler, HttpRequest, HttpResponse } from "@loom/sdk";
import type { PageCache } from "./create-page-cache.ts";
import type { PageRenderer } from "./create-page-renderer.ts";
import type { RootGuard } from "@loom/sdk/files";
import { findIndexFile, folderRedirectLocation, resolveRequestPath, statOrUndefined } from "@loom/sdk/files";

export interface MarkdownHandlerOptions {
  /** The root's real path. */
  readonly root: string;
  readonly index: readonly string[];
  readonly stripPrefix: string | undefined;
  readonly render: PageRenderer;
  /** Whatever besides the file changes the page (title, stylesheet): folded into the ETag. */
  readonly renderKey: string;
  readonly cache: PageCache;
  readonly guard: RootGuard;
}

const NOSNIFF = { "x-content-type-options": "nosniff" } as const;

function statusResponse(status: 400 | 403 | 404): HttpResponse {
  const text = status === 400 ? "Bad Request\n" : status === 403 ? "Forbidden\n" : "Not Found\n";
  return textResponse(status, text, NOSNIFF);
}

/** "x" and "x.html" name "x.md"; "x.md" names itself. */
function markdownName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.endsWith(".md")) return name;
  return `${lower.endsWith(".html") ? name.slice(0, -5) : name}.md`;
}

/**
 * Creates the request handler of `http.handlers.markdown`: GET and HEAD only; "/x" and "/x.html" render
 * "x.md", a folder renders its first index file (a folder named without "/" is redirected with 308 when
 * it has one). Paths are checked like the static handler's: anything outside the root is a 404.
 */
export function createMarkdownHandler(options: MarkdownHandlerOptions): HttpHandler["handle"] {
  const { root, index, stripPrefix, render, cache, guard } = options;
  const etagSuffix = createHash("sha256").update(options.renderKey).digest("hex").slice(0, 8);

  const findIndex = (folder: string) => findIndexFile(folder, index, guard);

  const servePage = async (request: HttpRequest, path: string, stats: Stats): Promise<HttpResponse> => {
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}-${etagSuffix}"`;
    const ifNoneMatch = headerValue(request.headers, "if-none-match");
    if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, etag)) return { status: 304, headers: { etag } };

    let page = cache.get(path, stats)?.page;
    if (page === undefined) {
      let source: Buffer;
      try {
        source = await readFile(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EACCES" || code === "EPERM") return statusResponse(403);
        if (code === "ENOENT" || code === "ENOTDIR") return statusResponse(404);
        throw error;
      }
      const fallbackTitle = path.slice(path.lastIndexOf(sep) + 1).replace(/\.md$/i, "");
      page = Buffer.from(render(source.toString("utf8"), fallbackTitle)) as Buffer<ArrayBuffer>;
      if (source.length === stats.size) cache.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, page });
    }
    const headers = { "content-type": "text/html; charset=utf-8", "content-length": String(page.length), etag, ...NOSNIFF };
    return request.method === "HEAD" ? { status: 200, headers } : { status: 200, headers, body: page };
  };

  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(405, "Method Not Allowed\n", { allow: "GET, HEAD", ...NOSNIFF });
    }
    const target = resolveRequestPath(request.url, stripPrefix);
    if (!target.ok) return statusResponse(target.status);
    const { segments } = target;
    const folder = segments.length === 0 ? root : root + sep + segments.join(sep);

    if (target.trailingSlash) {
      const found = await findIndex(folder);
      return found ? servePage(request, found.path, found.stats) : statusResponse(404);
    }
    const last = segments[segments.length - 1];
    if (last === undefined) {
      return (await findIndex(root))
        ? { status: 308, headers: { location: folderRedirectLocation(target.rawPath, target.query), "content-length": "0" } }
        : statusResponse(404);
    }
    const name = markdownName(last);
    const path = folder.slice(0, folder.length - last.length) + name;
    const stats = await statOrUndefined(path);
    if (stats?.isFile()) return (await guard(path, stats)) ? servePage(request, path, stats) : statusResponse(404);
    if (name === `${last}.md` && (await statOrUndefined(folder))?.isDirectory() && (await findIndex(folder))) {
      return { status: 308, headers: { location: folderRedirectLocation(target.rawPath, target.query), "content-length": "0" } };
    }
    return statusResponse(404);
  };
}
