import { describe, expect, it } from "vitest";
import { etagListMatches } from "./etag-list-matches.ts";

describe("etagListMatches", () => {
  it("matches '*', a tag in a list and its weak form", () => {
    expect(etagListMatches("*", '"a"')).toBe(true);
    expect(etagListMatches('"x" , "a"', '"a"')).toBe(true);
    expect(etagListMatches('W/"a"', '"a"')).toBe(true);
  });

  it("does not match other tags or a bare value", () => {
    expect(etagListMatches('"x", "y"', '"a"')).toBe(false);
    expect(etagListMatches("a", '"a"')).toBe(false);
  });
});
