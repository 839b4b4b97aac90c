import type { PluginStats, Registry } from "@loom/runtime";

/** What `GET /plugins` and `list-modules` show about one plugin. */
export interface PluginReport {
  name: string;
  version: string;
  placement: "bundled" | "subprocess" | "exec";
  modules: string[];
  /** Out-of-tree plugins only: their processes (an exec plugin's running ones) and calls, from the pool's stats. */
  pids?: number[];
  state?: string;
  restarts?: number;
  calls?: number;
  errors?: number;
  latencyMs?: { p50: number; p99: number };
}

/** Every plugin in the registry with the modules it provides; an out-of-tree (subprocess or exec) plugin also with its stats. */
export function pluginReport(registry: Registry, subprocess: readonly PluginStats[] = []): PluginReport[] {
  return registry.plugins().map((plugin) => {
    const report: PluginReport = {
      name: plugin.name,
      version: plugin.version,
      placement: "bundled",
      modules: plugin.modules.map((m) => m.id).sort(),
    };
    const stats = subprocess.find((s) => s.plugin === plugin.name);
    if (!stats) return report;
    const { placement, pids, state, restarts, calls, errors, latencyMs } = stats;
    return { ...report, placement, pids, state, restarts, calls, errors, latencyMs: { p50: latencyMs.p50, p99: latencyMs.p99 } };
  });
}
