import { describe, expect, it } from "vitest";
import { folderRedirectLocation, resolveRequestPath } from "./resolve-request-path.ts";

describe("resolveRequestPath", () => {
  it("splits a decoded path into segments and keeps the query apart", () => {
    expect(resolveRequestPath("/a/b%20c.txt?x=1")).toEqual({
      ok: true,
      segments: ["a", "b c.txt"],
      trailingSlash: false,
      rawPath: "/a/b%20c.txt",
      query: "?x=1",
    });
  });

  it("drops empty and '.' segments and notes a trailing slash", () => {
    const path = resolveRequestPath("//a/./b/");
    expect(path).toMatchObject({ ok: true, segments: ["a", "b"], trailingSlash: true });
    expect(resolveRequestPath("/")).toMatchObject({ ok: true, segments: [], trailingSlash: true });
    expect(resolveRequestPath("/.")).toMatchObject({ ok: true, segments: [], trailingSlash: true });
    expect(resolveRequestPath("/a/.")).toMatchObject({ ok: true, segments: ["a"], trailingSlash: true });
  });

  it.each([
    "/../etc/passwd",
    "/a/../../etc/passwd",
    "/a/..",
    "/%2e%2e/etc/passwd",
    "/%2E%2E/etc/passwd",
    "/.%2e/x",
    "/a/..%2f..%2fetc",
    "/a%2f..%2f..%2fx",
    "/a\\..\\x",
    "/a%5c..%5cx",
    "/a%5Cb",
    "/a%00.txt",
    "/a\0b",
    "a.txt",
    "*",
  ])("refuses %j with 404", (url) => {
    expect(resolveRequestPath(url)).toEqual({ ok: false, status: 404 });
  });

  it("answers malformed percent-encoding with 400", () => {
    expect(resolveRequestPath("/a%zz")).toEqual({ ok: false, status: 400 });
    expect(resolveRequestPath("/a%")).toEqual({ ok: false, status: 400 });
  });

  it("strips a prefix at a segment boundary and refuses paths without it", () => {
    expect(resolveRequestPath("/files/a.txt", "/files")).toMatchObject({ ok: true, segments: ["a.txt"], rawPath: "/files/a.txt" });
    expect(resolveRequestPath("/files", "/files")).toMatchObject({ ok: true, segments: [], trailingSlash: false });
    expect(resolveRequestPath("/files/", "/files")).toMatchObject({ ok: true, segments: [], trailingSlash: true });
    expect(resolveRequestPath("/filesx/a.txt", "/files")).toEqual({ ok: false, status: 404 });
    expect(resolveRequestPath("/other/a.txt", "/files")).toEqual({ ok: false, status: 404 });
    expect(resolveRequestPath("/files/../a.txt", "/files")).toEqual({ ok: false, status: 404 });
  });

  it("compares the prefix with the decoded path", () => {
    expect(resolveRequestPath("/fil%65s/a.txt", "/files")).toMatchObject({ ok: true, segments: ["a.txt"] });
  });
});

describe("folderRedirectLocation", () => {
  it("appends a slash and keeps the query", () => {
    expect(folderRedirectLocation("/docs", "?q=1")).toBe("/docs/?q=1");
  });

  it("collapses leading slashes so the target is never another host", () => {
    expect(folderRedirectLocation("//evil.example/x", "")).toBe("/evil.example/x/");
  });
});
