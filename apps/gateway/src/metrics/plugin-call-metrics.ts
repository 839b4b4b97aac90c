import { performance } from "node:perf_hooks";
import { isLoomError } from "@loom/protocol";
import { LATENCY_BUCKETS_MS } from "@loom/runtime";
import { Counter, Histogram } from "prom-client";
import type { Registry } from "prom-client";

/** The instruments of one method of one subprocess module, resolved once per instance, not per call. */
export interface MethodMetrics {
  /** A call started at `started` (performance.now()) ended; `error` when it failed. */
  done(started: number, error?: unknown): void;
}

export interface PluginCallMetrics {
  forMethod(plugin: string, module: string, method: string): MethodMetrics;
}

/** Histogram buckets in seconds, the same bounds as the runtime's LatencyHistogram (p50/p99 in GET /plugins). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);

/** Calls, errors by code, and latency of subprocess plugin calls, by plugin, module and method. */
export function createPluginCallMetrics(registry: Registry): PluginCallMetrics {
  const labelNames = ["plugin", "module", "method"] as const;
  const calls = new Counter({ name: "loom_plugin_calls_total", help: "Calls to subprocess plugin methods.", labelNames, registers: [registry] });
  const errors = new Counter({
    name: "loom_plugin_call_errors_total",
    help: "Subprocess plugin calls that failed, by error code.",
    labelNames: [...labelNames, "code"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "loom_plugin_call_duration_seconds",
    help: "Latency of subprocess plugin calls as the gateway sees them.",
    labelNames,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return {
    forMethod(plugin, module, method) {
      const labels = { plugin, module, method };
      const callsOf = calls.labels(labels);
      const latencyOf = latency.labels(labels);
      return {
        done(started, error) {
          callsOf.inc();
          latencyOf.observe((performance.now() - started) / 1000);
          if (error !== undefined) errors.inc({ ...labels, code: isLoomError(error) ? error.code : "INTERNAL" });
        },
      };
    },
  };
}
