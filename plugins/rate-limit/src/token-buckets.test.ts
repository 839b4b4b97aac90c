import { describe, expect, it } from "vitest";
import { createTokenBuckets } from "./token-buckets.ts";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe("createTokenBuckets", () => {
  it("lets a burst through, then refuses with the time to the next token", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ rate: 2, burst: 3, maxKeys: 10, now: clock.now });
    expect(buckets.take("a")).toEqual({ allowed: true, remaining: 2, resetSeconds: 1, retryAfterSeconds: 0 });
    expect(buckets.take("a")).toEqual({ allowed: true, remaining: 1, resetSeconds: 1, retryAfterSeconds: 0 });
    expect(buckets.take("a")).toEqual({ allowed: true, remaining: 0, resetSeconds: 2, retryAfterSeconds: 0 });
    expect(buckets.take("a")).toEqual({ allowed: false, remaining: 0, resetSeconds: 2, retryAfterSeconds: 1 });
  });

  it("refills at the rate, never beyond the burst", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ rate: 20, burst: 2, maxKeys: 10, now: clock.now });
    for (let i = 0; i < 2; i++) expect(buckets.take("a").allowed).toBe(true);
    expect(buckets.take("a").allowed).toBe(false);
    clock.advance(49);
    expect(buckets.take("a").allowed).toBe(false);
    clock.advance(1); // 50 ms = 1 / 20 s since the last refill
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(60_000);
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 1 });
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    expect(buckets.take("a").allowed).toBe(false);
  });

  it("earns exactly one token per 1/rate seconds despite float error", () => {
    const clock = manualClock(0.1);
    const buckets = createTokenBuckets({ rate: 3, burst: 1, maxKeys: 10, now: clock.now });
    for (let i = 0; i < 30; i++) {
      expect(buckets.take("a").allowed).toBe(true);
      clock.advance(1000 / 3);
    }
  });

  it("rounds Retry-After up to whole seconds, at least 1", () => {
    const clock = manualClock();
    const slow = createTokenBuckets({ rate: 0.25, burst: 1, maxKeys: 10, now: clock.now });
    expect(slow.take("a").allowed).toBe(true);
    expect(slow.take("a")).toMatchObject({ allowed: false, retryAfterSeconds: 4, resetSeconds: 4 });
    clock.advance(1_500); // 0.375 tokens, 2.5 s to go
    expect(slow.take("a")).toMatchObject({ allowed: false, retryAfterSeconds: 3, resetSeconds: 3 });
    clock.advance(2_499);
    expect(slow.take("a")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });

    const fast = createTokenBuckets({ rate: 1000, burst: 1, maxKeys: 10, now: clock.now });
    expect(fast.take("a").allowed).toBe(true);
    expect(fast.take("a")).toMatchObject({ allowed: false, retryAfterSeconds: 1, resetSeconds: 1 });
  });

  it("keeps keys apart", () => {
    const buckets = createTokenBuckets({ rate: 1, burst: 1, maxKeys: 10, now: manualClock().now });
    expect(buckets.take("a").allowed).toBe(true);
    expect(buckets.take("a").allowed).toBe(false);
    expect(buckets.take("b").allowed).toBe(true);
  });

  it("never tracks more than maxKeys buckets, forgetting the least recently used", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ rate: 1, burst: 1, maxKeys: 3, now: clock.now });
    for (const key of ["a", "b", "c"]) buckets.take(key);
    buckets.take("a"); // refused, and now the most recently used; "b" is the oldest
    buckets.take("d");
    expect(buckets.size).toBe(3);
    expect(buckets.take("a").allowed).toBe(false); // still tracked
    expect(buckets.take("b").allowed).toBe(true); // forgotten, so a fresh bucket
    for (let i = 0; i < 1_000; i++) buckets.take(`k${i}`);
    expect(buckets.size).toBe(3);
  });

  it("sweeps only buckets that have refilled completely", () => {
    const clock = manualClock();
    const buckets = createTokenBuckets({ rate: 10, burst: 5, maxKeys: 10, now: clock.now });
    buckets.take("a");
    for (let i = 0; i < 5; i++) buckets.take("b");
    clock.advance(100);
    expect(buckets.sweep()).toBe(1); // "a" is full again, "b" has 1 of 5 tokens
    expect(buckets.size).toBe(1);
    expect(buckets.take("b")).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(500);
    expect(buckets.sweep()).toBe(1);
    expect(buckets.size).toBe(0);
  });

  it("rejects impossible settings", () => {
    expect(() => createTokenBuckets({ rate: 0, burst: 1, maxKeys: 1 })).toThrow("rate must be a positive number, got 0");
    expect(() => createTokenBuckets({ rate: 1, burst: 0.5, maxKeys: 1 })).toThrow("burst must be an integer >= 1, got 0.5");
    expect(() => createTokenBuckets({ rate: 1, burst: 1, maxKeys: 0 })).toThrow("maxKeys must be an integer >= 1, got 0");
  });
});
