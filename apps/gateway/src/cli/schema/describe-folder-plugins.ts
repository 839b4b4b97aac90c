import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import { readPluginDirs, startFolderPlugin } from "@loom/runtime";
import type { Logger, PluginDefinition } from "@loom/sdk";

/** The out-of-tree plugins of some plugin dirs as their handshakes describe them. */
export interface FolderPluginsDescription {
  /** One definition per plugin, holding the modules no bundled plugin or earlier folder provides. */
  plugins: PluginDefinition[];
  /** The JSON Schema of each of those modules' config, from the plugin's handshake, by module ID. */
  configSchemas: Map<string, Record<string, unknown>>;
}

/**
 * Starts every plugin of `dirs` once, reads what its handshake announces (its modules and the JSON
 * Schema of each one's config) and stops it, as `terraform providers schema` asks its providers. A
 * module ID already taken (`taken`: the bundled modules, then earlier folders) is left out, as the
 * loader of `gateway run` would never start that plugin for it. A folder that is refused or fails to
 * start throws PLUGIN_START_FAILED with every problem: a schema missing modules would look complete.
 */
export async function describeFolderPlugins(dirs: readonly string[], taken: ReadonlySet<string>, logger: Logger): Promise<FolderPluginsDescription> {
  const scan = await readPluginDirs(dirs);
  const problems: Diagnostic[] = scan.refused.flatMap((refused) => refused.diagnostics);
  const plugins: PluginDefinition[] = [];
  const configSchemas = new Map<string, Record<string, unknown>>();
  const seen = new Set(taken);
  for (const found of scan.found) {
    let started;
    try {
      started = await startFolderPlugin(found, { logger }, { describe: true });
    } catch (error) {
      const diagnostics = isLoomError(error) ? error.diagnostics : [];
      problems.push(...(diagnostics.length > 0 ? diagnostics : [{ code: ErrorCode.PLUGIN_START_FAILED, plugin: found.manifest.name, message: error instanceof Error ? error.message : String(error) }]));
      continue;
    }
    try {
      const announced = new Map((started.pool.handshake?.modules ?? []).map((descriptor) => [descriptor.id, descriptor.configSchema]));
      const modules = started.definition.modules.filter((module) => !seen.has(module.id));
      for (const module of modules) {
        seen.add(module.id);
        const schema = announced.get(module.id);
        if (schema !== undefined) configSchemas.set(module.id, schema);
      }
      if (modules.length > 0) plugins.push({ ...started.definition, modules });
    } finally {
      await started.pool.stop();
    }
  }
  if (problems.length > 0) {
    throw LoomError.fromDiagnostics(ErrorCode.PLUGIN_START_FAILED, "schema: these out-of-tree plugins could not describe their modules:", problems);
  }
  return { plugins, configSchemas };
}
