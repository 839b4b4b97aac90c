import { ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { ModuleDefinition, NamespaceDefinition, PluginDefinition } from "@loom/sdk";

const MODULE_ID = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** A module known to the registry, with the plugin that provides it. */
export interface RegisteredModule {
  readonly id: string;
  /** The module's name within its namespace: the last segment of the ID. */
  readonly name: string;
  readonly namespace: string;
  readonly definition: ModuleDefinition;
  readonly plugin: PluginDefinition;
}

export interface Registry {
  /** Adds every module of a plugin; throws MODULE_DUPLICATE naming both plugins on a clash. */
  register(plugin: PluginDefinition): void;
  get(id: string): RegisteredModule | undefined;
  /** Every module, sorted by ID. */
  modules(): RegisteredModule[];
  /** Every registered plugin, in registration order. */
  plugins(): PluginDefinition[];
  /** The host's namespace definitions by ID. */
  namespace(id: string): NamespaceDefinition | undefined;
  namespaces(): NamespaceDefinition[];
}

/** Builds a registry for a host that declares `namespaces`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createRegistry(options: { namespaces: readonly NamespaceDefinition<any>[] }): Registry {
  const namespaces = new Map<string, NamespaceDefinition>(options.namespaces.map((ns) => [ns.id, ns]));
  const modules = new Map<string, RegisteredModule>();
  const plugins: PluginDefinition[] = [];

  return {
    register(plugin) {
      const problems: Diagnostic[] = [];
      const added: RegisteredModule[] = [];
      for (const definition of plugin.modules) {
        const { id } = definition;
        if (typeof id !== "string" || !MODULE_ID.test(id)) {
          problems.push({
            code: ErrorCode.MODULE_DEFINITION_INVALID,
            plugin: plugin.name,
            message: `module ID ${JSON.stringify(id)} is not a dotted lower-case ID`,
            hint: "use the namespace then the module's name, e.g. http.handlers.my_handler",
          });
          continue;
        }
        const existing = modules.get(id) ?? added.find((m) => m.id === id);
        if (existing) {
          problems.push({
            code: ErrorCode.MODULE_DUPLICATE,
            message: `module ${id} is provided by both ${existing.plugin.name}@${existing.plugin.version} and ${plugin.name}@${plugin.version}`,
            hint: "remove one of the two plugins from the distribution",
          });
          continue;
        }
        const dot = id.lastIndexOf(".");
        added.push({ id, name: id.slice(dot + 1), namespace: id.slice(0, dot), definition, plugin });
      }
      if (problems.length > 0) {
        const code = problems.some((p) => p.code === ErrorCode.MODULE_DUPLICATE)
          ? ErrorCode.MODULE_DUPLICATE
          : ErrorCode.MODULE_DEFINITION_INVALID;
        throw LoomError.fromDiagnostics(code, `cannot register plugin ${plugin.name}:`, problems);
      }
      for (const module of added) modules.set(module.id, module);
      plugins.push(plugin);
    },
    get: (id) => modules.get(id),
    modules: () => [...modules.values()].sort((a, b) => a.id.localeCompare(b.id)),
    plugins: () => [...plugins],
    namespace: (id) => namespaces.get(id),
    namespaces: () => [...namespaces.values()],
  };
}
