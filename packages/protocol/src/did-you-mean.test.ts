import { describe, expect, it } from "vitest";
import { didYouMean } from "./did-you-mean.ts";

describe("didYouMean", () => {
  it("suggests the closest candidate for a likely typo", () => {
    expect(didYouMean("statc", ["static", "respond", "reverse_proxy"])).toBe("static");
    expect(didYouMean("reverse-proxy", ["static", "reverse_proxy"])).toBe("reverse_proxy");
    expect(didYouMean("Respond", ["respond"])).toBe("respond");
  });

  it("suggests nothing when no candidate is close", () => {
    expect(didYouMean("database", ["static", "respond"])).toBeUndefined();
    expect(didYouMean("x", [])).toBeUndefined();
  });
});
