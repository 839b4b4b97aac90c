import { describe, expect, it } from "vitest";
import { parseRange } from "./parse-range.ts";

describe("parseRange", () => {
  it.each([
    ["bytes=0-9", { start: 0, end: 9 }],
    ["bytes=10-", { start: 10, end: 99 }],
    ["bytes=-10", { start: 90, end: 99 }],
    ["bytes=-1000", { start: 0, end: 99 }],
    ["bytes=90-1000", { start: 90, end: 99 }],
    ["bytes=99-99", { start: 99, end: 99 }],
    ["Bytes = 1 - 2", { start: 1, end: 2 }],
  ])("reads %j against 100 bytes", (header, range) => {
    expect(parseRange(header, 100)).toEqual(range);
  });

  it.each(["bytes=100-", "bytes=100-200", "bytes=-0"])("finds %j unsatisfiable against 100 bytes", (header) => {
    expect(parseRange(header, 100)).toBe("unsatisfiable");
  });

  it("finds every range unsatisfiable for an empty file", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-5", 0)).toBe("unsatisfiable");
  });

  it.each(["bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=5-2", "bytes=-", "bytes=1-x", "bytes=-1-2", "0-1", "bytes=+1-2"])(
    "ignores %j (whole file)",
    (header) => {
      expect(parseRange(header, 100)).toBeUndefined();
    },
  );
});
