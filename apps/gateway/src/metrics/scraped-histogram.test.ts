import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { ScrapedHistogram } from "./scraped-histogram.ts";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [Record<string, string>, number][] = [
  [{ plugin: "a", method: "handle" }, 0.0004],
  [{ plugin: "a", method: "handle" }, 0.01],
  [{ plugin: "a", method: "handle" }, 0.5],
  [{ plugin: "b", method: "start" }, 7],
  [{ plugin: "a", method: "handle" }, 0.02],
];

describe("ScrapedHistogram", () => {
  it("scrapes to the same text as prom-client's Histogram for the same observations", async () => {
    const theirs = new Registry();
    const reference = new Histogram({ name: "x_seconds", help: "How long.", labelNames: ["plugin", "method"], buckets: BUCKETS, registers: [theirs] });
    const ours = new Registry();
    const histogram = new ScrapedHistogram({ name: "x_seconds", help: "How long.", buckets: BUCKETS, registers: [ours] });
    const series = new Map<string, ReturnType<ScrapedHistogram["series"]>>();
    for (const [labels, value] of OBSERVED) {
      reference.observe(labels, value);
      const key = JSON.stringify(labels);
      if (!series.has(key)) series.set(key, histogram.series(labels));
      series.get(key)!.observe(value);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_seconds_bucket{le="0.01",plugin="a",method="handle"} 2');
    expect(text).toContain('x_seconds_count{plugin="b",method="start"} 1');
  });

  it("starts every series over on the registry's reset, and leaves out series with nothing observed", async () => {
    const registry = new Registry();
    const histogram = new ScrapedHistogram({ name: "y_seconds", help: "How long.", buckets: BUCKETS, registers: [registry] });
    histogram.series({ plugin: "a" }).observe(0.5);
    registry.resetMetrics();
    expect(await registry.metrics()).toBe("# HELP y_seconds How long.\n# TYPE y_seconds histogram\n");
  });
});
