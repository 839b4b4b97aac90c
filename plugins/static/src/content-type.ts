import { extname } from "node:path";

/** The content type of files whose extension is not in the table. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

const UTF8 = "; charset=utf-8";

/** Content types by lower-case extension; text types carry a UTF-8 charset. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": `text/html${UTF8}`,
  ".htm": `text/html${UTF8}`,
  ".css": `text/css${UTF8}`,
  ".js": `text/javascript${UTF8}`,
  ".mjs": `text/javascript${UTF8}`,
  ".json": `application/json${UTF8}`,
  ".map": `application/json${UTF8}`,
  ".txt": `text/plain${UTF8}`,
  ".md": `text/markdown${UTF8}`,
  ".xml": `text/xml${UTF8}`,
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

/** The content type for a file name, from its extension (case-insensitive). */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}
