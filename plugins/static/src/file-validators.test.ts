import { describe, expect, it } from "vitest";
import { fileEtag, httpDate, ifRangeAllows, isNotModified } from "./file-validators.ts";

const MTIME = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const ETAG = fileEtag(10240, MTIME);

describe("fileEtag", () => {
  it("is a strong tag of size and whole-millisecond mtime in hex", () => {
    expect(fileEtag(255, 4096.75)).toBe('"ff-1000"');
    expect(ETAG).toBe(`"2800-${Math.floor(MTIME).toString(16)}"`);
  });
});

describe("httpDate", () => {
  it("formats an IMF-fixdate", () => {
    expect(httpDate(MTIME)).toBe("Thu, 02 Jan 2025 03:04:05 GMT");
  });
});

describe("isNotModified", () => {
  it("lets If-None-Match decide when present, even against a fresh If-Modified-Since", () => {
    const fresh = httpDate(MTIME + 60_000);
    expect(isNotModified({ "if-none-match": ETAG }, ETAG, MTIME)).toBe(true);
    expect(isNotModified({ "if-none-match": '"other"', "if-modified-since": fresh }, ETAG, MTIME)).toBe(false);
  });

  it("compares If-Modified-Since at one-second precision", () => {
    expect(isNotModified({ "if-modified-since": httpDate(MTIME) }, ETAG, MTIME)).toBe(true);
    expect(isNotModified({ "if-modified-since": httpDate(MTIME - 1000) }, ETAG, MTIME)).toBe(false);
    expect(isNotModified({ "if-modified-since": "not a date" }, ETAG, MTIME)).toBe(false);
    expect(isNotModified({}, ETAG, MTIME)).toBe(false);
  });
});

describe("ifRangeAllows", () => {
  it("allows a range without If-Range, with the same ETag or the exact date", () => {
    expect(ifRangeAllows({}, ETAG, MTIME)).toBe(true);
    expect(ifRangeAllows({ "if-range": ETAG }, ETAG, MTIME)).toBe(true);
    expect(ifRangeAllows({ "if-range": httpDate(MTIME) }, ETAG, MTIME)).toBe(true);
  });

  it("refuses a weak or other ETag and any other date", () => {
    expect(ifRangeAllows({ "if-range": `W/${ETAG}` }, ETAG, MTIME)).toBe(false);
    expect(ifRangeAllows({ "if-range": '"other"' }, ETAG, MTIME)).toBe(false);
    expect(ifRangeAllows({ "if-range": httpDate(MTIME + 1000) }, ETAG, MTIME)).toBe(false);
    expect(ifRangeAllows({ "if-range": "garbage" }, ETAG, MTIME)).toBe(false);
  });
});
