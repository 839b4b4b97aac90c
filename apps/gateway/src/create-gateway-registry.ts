import { createRegistry } from "@loom/runtime";
import type { Registry } from "@loom/runtime";
import { httpHandlers, httpMiddleware } from "@loom/sdk";
import type { PluginDefinition } from "@loom/sdk";
import { builtinPlugin } from "./builtins/builtin-plugin.ts";

/** The gateway's namespaces: what its plugins may implement. */
export const GATEWAY_NAMESPACES = [httpHandlers, httpMiddleware] as const;

/** A registry holding the built-in modules and every given plugin (a duplicate module ID throws). */
export function createGatewayRegistry(plugins: readonly PluginDefinition[]): Registry {
  const registry = createRegistry({ namespaces: GATEWAY_NAMESPACES });
  registry.register(builtinPlugin);
  for (const plugin of plugins) registry.register(plugin);
  return registry;
}
