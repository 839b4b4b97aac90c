import { SUPERVISOR_TRANSITIONS } from "@loom/runtime";
import type { PluginStats, SupervisorState } from "@loom/runtime";
import { Gauge } from "prom-client";
import type { Registry } from "prom-client";

const STATES = Object.keys(SUPERVISOR_TRANSITIONS) as SupervisorState[];

/**
 * Gauges read from the pools' stats snapshot at scrape time (a prom-client `collect()`), so they cost
 * nothing between scrapes. Each is reset first: a plugin no config uses any more disappears.
 */
export function registerPluginStatsMetrics(registry: Registry, stats: () => readonly PluginStats[]): void {
  const gauge = (name: string, help: string, read: (s: PluginStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["plugin"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of stats()) this.set({ plugin: s.plugin }, read(s));
      },
    });
  gauge("loom_plugin_restarts", "Restarts of a subprocess plugin's processes since it started.", (s) => s.restarts);
  gauge("loom_plugin_in_flight_calls", "Calls sent to a subprocess plugin and not answered yet.", (s) => s.processes.reduce((n, p) => n + p.inFlight, 0));
  gauge("loom_plugin_queued_calls", "Calls waiting for a ready process of a subprocess plugin.", (s) => s.processes.reduce((n, p) => n + p.queued, 0));
  gauge("loom_plugin_processes", "Running processes (with a pid) of a subprocess plugin.", (s) => s.processes.filter((p) => p.pid !== undefined).length);
  new Gauge({
    name: "loom_plugin_state",
    help: `A subprocess plugin's state (its best process's): 1 for the current state, 0 for the others (${STATES.join(", ")}).`,
    labelNames: ["plugin", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stats()) for (const state of STATES) this.set({ plugin: s.plugin, state }, state === s.state ? 1 : 0);
    },
  });
}
