import { performance } from "node:perf_hooks";
import type { RegisteredModule, Registry } from "@loom/runtime";
import type { ModuleDefinition } from "@loom/sdk";
import type { PluginCallMetrics } from "./plugin-call-metrics.ts";

/** Lifecycle methods are not calls a route makes: they are not counted. */
const LIFECYCLE = new Set(["provision", "validate", "start", "stop", "cleanup"]);

/** Wraps every method of an instance (but the lifecycle) to record its calls. */
function instrumentInstance(instance: Record<string, unknown>, module: RegisteredModule, metrics: PluginCallMetrics): Record<string, unknown> {
  const wrapped: Record<string, unknown> = { ...instance };
  for (const [method, value] of Object.entries(instance)) {
    if (typeof value !== "function" || LIFECYCLE.has(method)) continue;
    const fn = value as (...args: unknown[]) => unknown;
    const recorded = metrics.forMethod(module.plugin.name, module.id, method);
    wrapped[method] = (...args: unknown[]) => {
      const started = performance.now();
      return Promise.resolve(fn(...args)).then(
        (result) => {
          recorded.done(started);
          return result;
        },
        (error: unknown) => {
          recorded.done(started, error ?? new Error("rejected without a reason"));
          throw error;
        },
      );
    };
  }
  return wrapped;
}

/**
 * A registry whose out-of-tree (subprocess) modules create instances that record every call in
 * `metrics`; bundled modules (those `bundled` has) are returned as they are and cost nothing.
 */
export function instrumentRegistry(registry: Registry, bundled: Registry, metrics: PluginCallMetrics): Registry {
  const made = new WeakMap<RegisteredModule, RegisteredModule>();
  const instrument = (module: RegisteredModule): RegisteredModule => {
    let result = made.get(module);
    if (result) return result;
    const inner = module.definition;
    const definition: ModuleDefinition = {
      ...inner,
      create: async (config, context) =>
        instrumentInstance((await inner.create(config, context)) as Record<string, unknown>, module, metrics) as Awaited<ReturnType<ModuleDefinition["create"]>>,
    };
    result = { ...module, definition };
    made.set(module, result);
    return result;
  };
  return {
    register: (plugin) => registry.register(plugin),
    get: (id) => {
      const module = registry.get(id);
      return module && !bundled.get(id) ? instrument(module) : module;
    },
    modules: () => registry.modules(),
    plugins: () => registry.plugins(),
    namespace: (id) => registry.namespace(id),
    namespaces: () => registry.namespaces(),
  };
}
