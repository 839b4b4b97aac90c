import { describe, expect, it } from "vitest";
import { stripPathPrefix } from "./strip-path-prefix.ts";

describe("stripPathPrefix", () => {
  it("strips at a segment boundary and keeps the query", () => {
    expect(stripPathPrefix("/api/users?x=1", "/api")).toBe("/users?x=1");
    expect(stripPathPrefix("/api/users", "/api/")).toBe("/users");
    expect(stripPathPrefix("/api", "/api")).toBe("/");
    expect(stripPathPrefix("/api?q=1", "/api")).toBe("/?q=1");
  });

  it("leaves other paths alone", () => {
    expect(stripPathPrefix("/apix/users", "/api")).toBe("/apix/users");
    expect(stripPathPrefix("/other?api", "/api")).toBe("/other?api");
    expect(stripPathPrefix("/a/b", undefined)).toBe("/a/b");
    expect(stripPathPrefix("/a/b", "/")).toBe("/a/b");
  });
});
