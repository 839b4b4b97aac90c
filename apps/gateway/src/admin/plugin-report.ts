import type { Registry } from "@loom/runtime";

/** What `GET /plugins` and `list-modules` show about one plugin. */
export interface PluginReport {
  name: string;
  version: string;
  placement: "bundled";
  modules: string[];
}

/** Every plugin in the build with the modules it provides. */
export function pluginReport(registry: Registry): PluginReport[] {
  return registry.plugins().map((plugin) => ({
    name: plugin.name,
    version: plugin.version,
    placement: "bundled",
    modules: plugin.modules.map((m) => m.id).sort(),
  }));
}
