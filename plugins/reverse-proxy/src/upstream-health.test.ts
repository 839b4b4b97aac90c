import { describe, expect, it } from "vitest";
import { createUpstreamHealth } from "./upstream-health.ts";

describe("createUpstreamHealth", () => {
  it("marks an upstream down after maxFails failures and up again once they age out", () => {
    const health = createUpstreamHealth(2, { maxFails: 2, failDuration: 1000 });
    health.recordFailure(0, 0);
    expect(health.isAvailable(0, 10)).toBe(true);
    health.recordFailure(0, 500);
    expect(health.isAvailable(0, 600)).toBe(false);
    expect(health.isAvailable(1, 600)).toBe(true);
    // The first failure ages out at 1000, leaving one: available again.
    expect(health.isAvailable(0, 1000)).toBe(true);
    expect(health.isAvailable(0, 1600)).toBe(true);
  });

  it("with maxFails 1, one failure takes an upstream out for failDuration", () => {
    const health = createUpstreamHealth(1, { maxFails: 1, failDuration: 100 });
    health.recordFailure(0, 1000);
    expect(health.isAvailable(0, 1099)).toBe(false);
    expect(health.isAvailable(0, 1100)).toBe(true);
  });

  it("keeps only the newest maxFails failures", () => {
    const health = createUpstreamHealth(1, { maxFails: 2, failDuration: 1000 });
    for (let at = 0; at < 100; at++) health.recordFailure(0, at);
    expect(health.isAvailable(0, 100)).toBe(false);
    // Only failures at 98 and 99 remain; both age out by 1099.
    expect(health.isAvailable(0, 1099)).toBe(true);
  });

  it("failDuration 0 disables the checks", () => {
    const health = createUpstreamHealth(1, { maxFails: 1, failDuration: 0 });
    health.recordFailure(0, 0);
    expect(health.isAvailable(0, 0)).toBe(true);
  });
});
