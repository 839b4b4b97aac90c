import type { PluginEventListener, PluginStats } from "@loom/runtime";
import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import { createPluginCallMetrics } from "./plugin-call-metrics.ts";
import { registerPluginStatsMetrics } from "./plugin-stats-metrics.ts";

/** The gateway's Prometheus metrics, in a registry of their own (never prom-client's global one). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Counts one response of the main listener by status class: an array lookup and an increment. */
  countResponse(status: number): void;
}

export interface GatewayMetricsOptions {
  /** The running subprocess plugins' stats, read at scrape time. */
  stats: () => readonly PluginStats[];
  /** The plugin loader's `subscribe`: call events feed the call metrics. */
  subscribe: (listener: PluginEventListener) => () => void;
}

/** Builds the registry with Node's process metrics, plugin call metrics, plugin gauges and HTTP counters. */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerPluginStatsMetrics(registry, options.stats);
  const recordCall = createPluginCallMetrics(registry);
  options.subscribe((event) => {
    if (event.type === "call") recordCall(event);
  });
  // Counted in plain numbers and added at scrape time: prom-client hashes the labels on every inc().
  const pendingByClass = [0, 0, 0, 0, 0];
  new Counter({
    name: "loom_http_requests_total",
    help: "Responses of the gateway's main listener, by status class.",
    labelNames: ["class"],
    registers: [registry],
    collect() {
      for (let i = 0; i < pendingByClass.length; i++) {
        if (pendingByClass[i] === 0) continue;
        this.inc({ class: `${i + 1}xx` }, pendingByClass[i]);
        pendingByClass[i] = 0;
      }
    },
  });
  return {
    registry,
    countResponse(status) {
      const i = Math.floor(status / 100) - 1;
      if (i >= 0 && i < pendingByClass.length) pendingByClass[i]!++;
    },
  };
}
