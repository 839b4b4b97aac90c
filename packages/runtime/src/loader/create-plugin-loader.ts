import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import type { RegisteredModule, Registry } from "../registry.ts";
import type { PluginStats } from "../subprocess/plugin-stats.ts";
import type { LaunchTools } from "../subprocess/resolve-launch-command.ts";
import { collectModuleIds } from "./collect-module-ids.ts";
import { createLayeredRegistry } from "./create-layered-registry.ts";
import { readPluginDirs } from "./read-plugin-dirs.ts";
import type { FoundPlugin } from "./read-plugin-dirs.ts";
import { startFolderPlugin } from "./start-folder-plugin.ts";
import type { StartedPlugin } from "./start-folder-plugin.ts";

export interface PluginLoaderOptions {
  /** The bundled plugins: a module they provide is never looked up in plugin dirs. */
  registry: Registry;
  /** The host's logger; each plugin logs under `{ plugin }`, each of its processes under `{ plugin, pid }`. */
  logger: Logger;
  tools?: LaunchTools;
}

/**
 * Out-of-tree plugins for a host that loads configs one at a time: `prepare` a config, then `commit` it
 * when the host took it or `rollback` when it did not.
 */
export interface PluginLoader extends AsyncDisposable {
  /** The bundled plugins plus the out-of-tree plugins of the config being prepared, else of the committed one. */
  readonly registry: Registry;
  /**
   * Starts (or keeps) the out-of-tree plugins that provide the module IDs `raw` names and no bundled
   * plugin provides, found in `dirs`. Throws CONFIG_INVALID listing every needed plugin that was refused
   * (bad plugin.json, missing file, hash mismatch, failed start, handshake modules ≠ plugin.json's).
   */
  prepare(raw: unknown, dirs: readonly string[]): Promise<void>;
  /** The prepared config now serves: stops the plugins only the previous one needed. */
  commit(): Promise<void>;
  /** The prepared config was not taken: stops the plugins only it needed. */
  rollback(): Promise<void>;
  /** Stats of the running out-of-tree plugins in view. */
  stats(): PluginStats[];
  /** Stops every plugin. */
  stop(): Promise<void>;
}

type Entry = StartedPlugin & { readonly key: string };

/** A plugin is reused across reloads while its folder and plugin.json text are unchanged. */
const keyOf = (found: FoundPlugin) => `${found.folder}\0${found.manifestText}`;

export function createPluginLoader(options: PluginLoaderOptions): PluginLoader {
  const { registry: base, logger } = options;
  const running = new Map<string, Entry>();
  let active = new Set<string>();
  let pending: Set<string> | undefined;
  let view = new Map<string, RegisteredModule>();

  const viewOf = (keys: Set<string>): Map<string, RegisteredModule> => {
    const modules = new Map<string, RegisteredModule>();
    for (const key of keys) {
      const entry = running.get(key);
      if (!entry) continue;
      for (const definition of entry.definition.modules) {
        const dot = definition.id.lastIndexOf(".");
        modules.set(definition.id, { id: definition.id, name: definition.id.slice(dot + 1), namespace: definition.id.slice(0, dot), definition, plugin: entry.definition });
      }
    }
    return modules;
  };

  /** Stops every running plugin not in `keep`. */
  const stopUnused = async (keep: Set<string>) => {
    const unused = [...running.values()].filter((entry) => !keep.has(entry.key));
    for (const entry of unused) running.delete(entry.key);
    await Promise.all(unused.map((entry) => entry.pool.stop()));
  };

  const start = async (found: FoundPlugin): Promise<Entry> => {
    const key = keyOf(found);
    const existing = running.get(key);
    if (existing) return existing;
    const entry = { key, ...(await startFolderPlugin(found, { logger, ...(options.tools ? { tools: options.tools } : {}) })) };
    running.set(key, entry);
    logger.info({ plugin: entry.definition.name, version: entry.definition.version, folder: found.folder, pids: entry.pool.stats().pids }, "subprocess plugin started");
    return entry;
  };

  const loader: PluginLoader = {
    registry: createLayeredRegistry(base, () => view),
    async prepare(raw, dirs) {
      pending = new Set();
      view = new Map();
      const wanted = [...collectModuleIds(raw, base)].filter((id) => !base.get(id) && base.namespace(id.slice(0, id.lastIndexOf("."))));
      if (wanted.length === 0) return;
      const scan = await readPluginDirs(dirs);
      const needed = new Map<string, FoundPlugin>();
      const diagnostics: Diagnostic[] = [];
      for (const id of wanted) {
        const found = scan.found.find((f) => f.manifest.modules.includes(id));
        if (found) {
          needed.set(found.folder, found);
          continue;
        }
        const refused = scan.refused.find((r) => r.modules.includes(id));
        if (refused) diagnostics.push(...refused.diagnostics.map((d) => ({ ...d, module: id, message: `plugin ${refused.name}, which provides ${id}, is refused: ${d.message}` })));
      }
      // A module nobody provides may be in a plugin whose plugin.json cannot be read: report those too.
      const unresolved = wanted.filter((id) => !scan.found.some((f) => f.manifest.modules.includes(id)));
      const unknownRefused = unresolved.length > 0 ? scan.refused.filter((r) => r.modules.length === 0) : [];
      for (const refused of unknownRefused) {
        const what = `plugin folder ${refused.folder} is refused, and the config names modules no plugin provides (${unresolved.join(", ")})`;
        diagnostics.push(...refused.diagnostics.map((d) => ({ ...d, message: `${what}: ${d.message}` })));
      }
      for (const refused of scan.refused) {
        if (!unknownRefused.includes(refused) && !refused.modules.some((id) => wanted.includes(id))) logger.warn({ folder: refused.folder, problems: refused.diagnostics }, "plugin refused (the config does not use it)");
      }
      const results = await Promise.allSettled([...needed.values()].map(start));
      for (const result of results) {
        if (result.status === "fulfilled") pending.add(result.value.key);
        else if (isLoomError(result.reason) && result.reason.diagnostics.length > 0) diagnostics.push(...result.reason.diagnostics);
        else throw result.reason;
      }
      view = viewOf(pending);
      if (diagnostics.length > 0) {
        const count = diagnostics.length;
        throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `the config needs out-of-tree plugins that cannot run (${count} problem${count > 1 ? "s" : ""}):`, diagnostics);
      }
    },
    async commit() {
      active = pending ?? active;
      pending = undefined;
      view = viewOf(active);
      await stopUnused(active);
    },
    async rollback() {
      pending = undefined;
      view = viewOf(active);
      await stopUnused(active);
    },
    stats: () => [...new Set([...view.values()].map((m) => m.plugin))].flatMap((plugin) => {
      const entry = [...running.values()].find((e) => e.definition === plugin);
      return entry ? [entry.pool.stats()] : [];
    }),
    async stop() {
      active = new Set();
      pending = undefined;
      view = new Map();
      await stopUnused(active);
    },
    [Symbol.asyncDispose]: () => loader.stop(),
  };
  return loader;
}
