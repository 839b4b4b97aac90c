import type { Stats } from "node:fs";
import { contentTypeFor } from "./content-type.ts";
import { fileEtag, httpDate } from "./file-validators.ts";

/** What a response says about a file, computed once per version of it. */
export interface FileDescription {
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
  readonly lastModified: string;
  readonly contentType: string;
}

/** Describes the file at `path` from its stats: ETag, Last-Modified and Content-Type. */
export function describeFile(path: string, stats: Stats): FileDescription {
  return {
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    etag: fileEtag(stats.size, stats.mtimeMs),
    lastModified: httpDate(stats.mtimeMs),
    contentType: contentTypeFor(path),
  };
}
