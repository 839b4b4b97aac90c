import type { ModuleDefinition } from "./module.ts";

export interface PluginDefinition {
  /** The plugin's package name, e.g. `@loom/plugin-static`. */
  readonly name: string;
  /** The plugin's semver version. */
  readonly version: string;
  readonly description?: string;
  /** The modules the plugin provides. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly modules: readonly ModuleDefinition<string, any>[];
}

/** Typed identity helper for a plugin: its name, version and modules. */
export function definePlugin<const P extends PluginDefinition>(definition: P): P {
  return definition;
}
