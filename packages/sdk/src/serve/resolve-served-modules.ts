import { ErrorCode, LoomError } from "@loom/protocol";
import type { ModuleDefinition } from "../module.ts";
import type { PluginDefinition } from "../plugin.ts";
import type { ServedNamespace, UnservableNamespace } from "./served-namespace.ts";

/** A module `serve` provides: its definition and how its namespace travels. */
export interface ServedModule {
  readonly definition: ModuleDefinition;
  readonly namespaceId: string;
  readonly namespace: ServedNamespace;
}

export interface ServedModules {
  /** The modules to announce, by ID, in the plugin's order. */
  readonly modules: ReadonlyMap<string, ServedModule>;
  /** Modules left out, with the reason (logged as a warning at start). */
  readonly skipped: readonly { id: string; reason: string }[];
}

/**
 * Matches each module of the plugin to its namespace (the longest ID prefix that ends at a dot). A module
 * whose namespace is unservable is skipped with the reason; one whose namespace is not in the table is a
 * mistake in the plugin's serve entry and throws HANDSHAKE_FAILED naming the option to set.
 */
export function resolveServedModules(
  plugin: PluginDefinition,
  namespaces: Readonly<Record<string, ServedNamespace | UnservableNamespace>>,
): ServedModules {
  const ids = Object.keys(namespaces).sort((a, b) => b.length - a.length);
  const modules = new Map<string, ServedModule>();
  const skipped: { id: string; reason: string }[] = [];
  const unknown: string[] = [];
  for (const definition of plugin.modules) {
    const namespaceId = ids.find((id) => definition.id.startsWith(`${id}.`));
    const namespace = namespaceId === undefined ? undefined : namespaces[namespaceId];
    if (namespaceId === undefined || namespace === undefined) unknown.push(definition.id);
    else if ("unservable" in namespace) skipped.push({ id: definition.id, reason: `${namespaceId} ${namespace.unservable}` });
    else modules.set(definition.id, { definition: definition as ModuleDefinition, namespaceId, namespace });
  }
  if (unknown.length > 0) {
    throw new LoomError(
      ErrorCode.HANDSHAKE_FAILED,
      `serve does not know the namespace of module${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}, so it cannot announce their methods; ` +
        `pass it to serve: serve(plugin, { namespaces: { "<namespace>": { methods: ["<method>", ...] } } })`,
    );
  }
  return { modules, skipped };
}
