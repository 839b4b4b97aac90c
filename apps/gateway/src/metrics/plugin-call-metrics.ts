import { LATENCY_BUCKETS_MS } from "@loom/runtime";
import type { PluginEvent } from "@loom/runtime";
import { Counter } from "prom-client";
import type { Registry } from "prom-client";
import { ScrapedHistogram } from "./scraped-histogram.ts";
import type { HistogramSeries } from "./scraped-histogram.ts";

/** One call event of the plugin loader's `subscribe`. */
export type PluginCallEvent = Extract<PluginEvent, { type: "call" }>;

/** Histogram buckets in seconds, the same bounds as the runtime's LatencyHistogram (p50/p99 in GET /plugins). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);

/** The instruments of one method of one subprocess module, made on its first call. */
interface MethodInstruments {
  readonly labels: Readonly<Record<string, string>>;
  /** Calls since the last scrape; added to the prom-client counter when it is collected. */
  pendingCalls: number;
  readonly latency: HistogramSeries;
}

/**
 * Calls, errors by code, and latency of subprocess plugin calls, by plugin, module and method, fed by
 * the plugin loader's call events. Per call: three map lookups, an increment and an observation into
 * plain counters; prom-client reads them at scrape time (it hashes the label set on every update, which
 * cost more per call than the rest of the metrics). Errors are rare and go to prom-client directly.
 */
export function createPluginCallMetrics(registry: Registry): (event: PluginCallEvent) => void {
  const labelNames = ["plugin", "module", "method"] as const;
  const what = "method calls and lifecycle steps (provision, validate, start, stop, cleanup; each runs once per process)";
  const all: MethodInstruments[] = [];
  new Counter({
    name: "loom_plugin_calls_total",
    help: `Calls to subprocess plugins: ${what}.`,
    labelNames,
    registers: [registry],
    collect() {
      for (const instruments of all) {
        if (instruments.pendingCalls === 0) continue;
        this.inc(instruments.labels, instruments.pendingCalls);
        instruments.pendingCalls = 0;
      }
    },
  });
  const errors = new Counter({
    name: "loom_plugin_call_errors_total",
    help: `Subprocess plugin calls that failed, by error code: ${what}.`,
    labelNames: [...labelNames, "code"],
    registers: [registry],
  });
  const latency = new ScrapedHistogram({
    name: "loom_plugin_call_duration_seconds",
    help: `Duration of subprocess plugin calls as the gateway sees them: ${what}.`,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const byPlugin = new Map<string, Map<string, Map<string, MethodInstruments>>>();
  const instrumentsOf = (plugin: string, module: string, method: string): MethodInstruments => {
    let byModule = byPlugin.get(plugin);
    if (!byModule) byPlugin.set(plugin, (byModule = new Map()));
    let byMethod = byModule.get(module);
    if (!byMethod) byModule.set(module, (byMethod = new Map()));
    let instruments = byMethod.get(method);
    if (!instruments) {
      const labels = { plugin, module, method };
      instruments = { labels, pendingCalls: 0, latency: latency.series(labels) };
      byMethod.set(method, instruments);
      all.push(instruments);
    }
    return instruments;
  };
  return (event) => {
    const instruments = instrumentsOf(event.plugin, event.module, event.method);
    instruments.pendingCalls++;
    instruments.latency.observe(event.latencyMs / 1000);
    if (event.outcome !== "ok") errors.inc({ plugin: event.plugin, module: event.module, method: event.method, code: event.outcome });
  };
}
