import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff-delay.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";

describe("backoffDelay", () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.2 };
  it("grows exponentially, is capped, and spreads by the jitter", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(1, options, () => 0)).toBe(80);
    expect(backoffDelay(1, options, () => 1)).toBe(120);
    expect(backoffDelay(9, options, () => 1)).toBe(1000);
  });
});

describe("CircuitBreaker", () => {
  it("opens at maxCrashes within the window, forgets old crashes, closes after a good start", () => {
    const breaker = new CircuitBreaker({ maxCrashes: 3, windowMs: 1_000, cooldownMs: 500 });
    expect(breaker.recordCrash(0)).toBe(false);
    expect(breaker.recordCrash(100)).toBe(false);
    expect(breaker.recordCrash(1_500)).toBe(false); // the first two fell out of the window
    expect(breaker.recordCrash(1_600)).toBe(false);
    expect(breaker.recordCrash(1_700)).toBe(true);
    expect(breaker.open).toBe(true);
    expect(breaker.retryAt).toBe(2_200);
    expect(breaker.recordCrash(2_300)).toBe(true); // a failed half-open try reopens it
    expect(breaker.retryAt).toBe(2_800);
    breaker.close();
    expect(breaker.open).toBe(false);
    expect(breaker.recentCrashes(2_900)).toBe(0);
  });
});
