import { describe, expect, it } from "vitest";
import { createUpstreamSelector } from "./upstream-selector.ts";

const all = (): boolean => true;

describe("createUpstreamSelector", () => {
  it("round_robin rotates and spreads a skipped upstream's share", () => {
    const select = createUpstreamSelector("round_robin");
    expect([select(3, all), select(3, all), select(3, all), select(3, all)]).toEqual([0, 1, 2, 0]);
    const withoutOne = (index: number): boolean => index !== 1;
    expect([select(3, withoutOne), select(3, withoutOne), select(3, withoutOne), select(3, withoutOne)]).toEqual([2, 0, 2, 0]);
  });

  it("first takes the lowest eligible index", () => {
    const select = createUpstreamSelector("first");
    expect(select(3, all)).toBe(0);
    expect(select(3, all)).toBe(0);
    expect(select(3, (index) => index > 0)).toBe(1);
  });

  it("random picks among eligible indexes with the given source", () => {
    const select = createUpstreamSelector("random", () => 0.99);
    expect(select(3, all)).toBe(2);
    expect(select(3, (index) => index !== 2)).toBe(1);
  });

  it("every policy answers undefined when nothing is eligible", () => {
    for (const policy of ["round_robin", "first", "random"] as const) {
      expect(createUpstreamSelector(policy)(3, () => false)).toBeUndefined();
    }
  });
});
