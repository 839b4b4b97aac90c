import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "./latency-histogram.ts";

describe("LatencyHistogram", () => {
  it("estimates percentiles within the bucket that holds them", () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 990; i++) histogram.record(3);
    for (let i = 0; i < 10; i++) histogram.record(800);
    const { count, p50, p99, max } = histogram.summary();
    expect(count).toBe(1000);
    expect(p50).toBeGreaterThan(2);
    expect(p50).toBeLessThanOrEqual(5);
    expect(p99).toBeLessThanOrEqual(5);
    expect(histogram.quantile(0.999)).toBeGreaterThan(500);
    expect(max).toBe(800);
  });

  it("is empty at zero and caps the top bucket at the maximum seen", () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
    histogram.record(90_000);
    expect(histogram.quantile(0.99)).toBeLessThanOrEqual(90_000);
  });
});
