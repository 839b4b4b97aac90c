import type { PluginDefinition } from "@loom/sdk";
import type { RegisteredModule, Registry } from "../registry.ts";

/**
 * A registry that answers from `base` (the bundled plugins) first, then from the out-of-tree plugins
 * the loader has put in view (`view()`, which changes as configs load). `register` adds to `base`.
 */
export function createLayeredRegistry(base: Registry, view: () => ReadonlyMap<string, RegisteredModule>): Registry {
  const extraPlugins = (): PluginDefinition[] => [...new Set([...view().values()].map((m) => m.plugin))];
  return {
    register: (plugin) => base.register(plugin),
    get: (id) => base.get(id) ?? view().get(id),
    modules: () => [...base.modules(), ...[...view().values()].filter((m) => !base.get(m.id))].sort((a, b) => a.id.localeCompare(b.id)),
    plugins: () => [...base.plugins(), ...extraPlugins()],
    namespace: (id) => base.namespace(id),
    namespaces: () => base.namespaces(),
  };
}
