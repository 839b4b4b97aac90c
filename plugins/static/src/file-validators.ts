import { etagListMatches, headerValue } from "@loom/sdk";
import type { Headers } from "@loom/sdk";

/** A strong ETag from a file's size and modification time: `"<size hex>-<mtime ms hex>"`. */
export function fileEtag(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** The HTTP date of a modification time, e.g. `Tue, 25 Nov 2025 12:14:00 GMT`. */
export function httpDate(mtimeMs: number): string {
  return new Date(mtimeMs).toUTCString();
}

/**
 * Whether a GET or HEAD can be answered 304: If-None-Match decides when present (a list or "*");
 * otherwise If-Modified-Since, compared at one-second precision.
 */
export function isNotModified(headers: Headers, etag: string, mtimeMs: number): boolean {
  const ifNoneMatch = headerValue(headers, "if-none-match");
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, etag);
  const ifModifiedSince = headerValue(headers, "if-modified-since");
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/**
 * Whether a Range request may be answered partially: true without If-Range; with it, the value must be
 * this file's ETag (strong comparison) or its exact Last-Modified date.
 */
export function ifRangeAllows(headers: Headers, etag: string, mtimeMs: number): boolean {
  const ifRange = headerValue(headers, "if-range");
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && Math.floor(mtimeMs / 1000) * 1000 === date;
}
