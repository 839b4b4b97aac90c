import { createReadStream } from "node:fs";
import type { Stats } from "node:fs";
import { headerValue, textResponse } from "@loom/sdk";
import type { HttpRequest, HttpResponse } from "@loom/sdk";
import type { FileCache } from "./create-file-cache.ts";
import { describeFile } from "./describe-file.ts";
import type { FileDescription } from "./describe-file.ts";
import { ifRangeAllows, isNotModified } from "./file-validators.ts";
import { parseRange } from "./parse-range.ts";

const EMPTY = new Uint8Array(0);

/** A response for a request the handler cannot map to a file (or must not admit it exists). */
export function statusResponse(status: 400 | 403 | 404): HttpResponse {
  const text = status === 400 ? "Bad Request\n" : status === 403 ? "Forbidden\n" : "Not Found\n";
  return textResponse(status, text, { "x-content-type-options": "nosniff" });
}

/**
 * A body that opens the file only when it is read, so an unread body holds no file descriptor. The
 * reader ends it early by calling the iterator's `return()` (as the host does when the client leaves),
 * which closes the file.
 */
function fileStream(path: string, start: number, end: number): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => createReadStream(path, { start, end })[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
  };
}

/**
 * Answers a GET or HEAD for a regular file that is known to be inside the root: 304 for a fresh
 * conditional request, 206 or 416 for a Range, otherwise 200. Small files come from `cache`, large ones
 * are streamed.
 */
export async function serveFile(
  request: HttpRequest,
  path: string,
  stats: Stats,
  cache: FileCache,
): Promise<HttpResponse> {
  const cacheable = cache.accepts(stats.size);
  let cached = cacheable ? cache.get(path, stats) : undefined;
  const file: FileDescription = cached ?? describeFile(path, stats);
  const { size, etag, lastModified } = file;
  if (isNotModified(request.headers, etag, file.mtimeMs)) {
    return { status: 304, headers: { etag, "last-modified": lastModified } };
  }

  const rangeHeader = headerValue(request.headers, "range");
  const range =
    rangeHeader !== undefined && ifRangeAllows(request.headers, etag, file.mtimeMs) ? parseRange(rangeHeader, size) : undefined;
  if (range === "unsatisfiable") {
    return {
      status: 416,
      headers: {
        "content-range": `bytes */${size}`,
        "content-length": "0",
        "accept-ranges": "bytes",
        etag,
        "last-modified": lastModified,
      },
    };
  }

  const start = range === undefined ? 0 : range.start;
  const end = range === undefined ? size - 1 : range.end;
  const length = size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string> = {
    "content-type": file.contentType,
    "content-length": String(length),
    etag,
    "last-modified": lastModified,
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
  };
  if (range !== undefined) headers["content-range"] = `bytes ${start}-${end}/${size}`;
  const status = range === undefined ? 200 : 206;
  if (request.method === "HEAD") return { status, headers };
  if (length === 0) return { status, headers, body: EMPTY };

  if (cacheable && cached === undefined) {
    try {
      cached = await cache.load(path, stats);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM") return statusResponse(403);
      if (code === "ENOENT" || code === "ENOTDIR") return statusResponse(404);
      throw error;
    }
  }
  if (cached !== undefined) {
    return { status, headers, body: range === undefined ? cached.data : cached.data.subarray(start, end + 1) };
  }
  return { status, headers, body: fileStream(path, start, end) };
}
