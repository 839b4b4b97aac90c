import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import type { RegisteredModule, Registry } from "../registry.ts";
import type { PluginPool } from "../subprocess/plugin-pool.ts";
import type { PluginEventListener, PluginStats } from "../subprocess/plugin-stats.ts";
import type { LaunchTools } from "../subprocess/resolve-launch-command.ts";
import { collectModuleIds } from "./collect-module-ids.ts";
import { createLayeredRegistry } from "./create-layered-registry.ts";
import { createPluginEventFanIn } from "./create-plugin-event-fan-in.ts";
import { limitsKey } from "./plugin-limits.ts";
import type { PluginLimits, PluginLimitsByName } from "./plugin-limits.ts";
import { readPluginDirs } from "./read-plugin-dirs.ts";
import type { FoundPlugin, PluginDirScan } from "./read-plugin-dirs.ts";
import { startFolderPlugin } from "./start-folder-plugin.ts";
import type { StartedPlugin } from "./start-folder-plugin.ts";

export interface PluginLoaderOptions {
  /** The bundled plugins: a module they provide is never looked up in plugin dirs. */
  registry: Registry;
  /** The host's logger; each plugin logs under `{ plugin }`, each of its processes under `{ plugin, pid }`. */
  logger: Logger;
  tools?: LaunchTools;
}

export interface PrepareOptions {
  /**
   * The host's limits by plugin name (plugin.json's `name`); each key wins over plugin.json's
   * `subprocess`. A plugin whose limits change is restarted by the next prepare; a name no plugin dir
   * provides is a warning in the log.
   */
  limits?: PluginLimitsByName | undefined;
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
  prepare(raw: unknown, dirs: readonly string[], options?: PrepareOptions): Promise<void>;
  /** The prepared config now serves: stops the plugins only the previous one needed. */
  commit(): Promise<void>;
  /** The prepared config was not taken: stops the plugins only it needed. */
  rollback(): Promise<void>;
  /** Stats of the running out-of-tree plugins in view. */
  stats(): PluginStats[];
  /**
   * Adds a listener of the events of every running out-of-tree plugin: each method call and lifecycle
   * step with its duration and outcome, process state changes (a plugin's first start included) and
   * restarts. Returns the function that removes the listener. While nobody
   * listens, no event is built.
   */
  subscribe(listener: PluginEventListener): () => void;
  /** Stops every plugin. */
  stop(): Promise<void>;
}

type Entry = StartedPlugin & { readonly key: string };

/** A plugin is reused across reloads while its folder, plugin.json text and host limits are unchanged. */
const keyOf = (found: FoundPlugin, limits: PluginLimits | undefined) => `${found.folder}\0${found.manifestText}\0${limitsKey(limits)}`;

/** The limits set for `name`, without keys whose value is undefined (they would erase plugin.json's). */
function limitsOf(byName: PluginLimitsByName | undefined, name: string): PluginLimits | undefined {
  const limits = byName && Object.hasOwn(byName, name) ? byName[name] : undefined;
  if (!limits) return undefined;
  const defined = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as PluginLimits;
  return Object.keys(defined).length > 0 ? defined : undefined;
}

export function createPluginLoader(options: PluginLoaderOptions): PluginLoader {
  const { registry: base, logger } = options;
  const running = new Map<string, Entry>();
  let active = new Set<string>();
  let pending: Set<string> | undefined;
  let view = new Map<string, RegisteredModule>();
  const events = createPluginEventFanIn(logger);

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
    for (const entry of unused) events.remove(entry.pool);
  };

  const start = async (found: FoundPlugin, limits: PluginLimits | undefined): Promise<Entry> => {
    const key = keyOf(found, limits);
    const existing = running.get(key);
    if (existing) return existing;
    // The fan-in listens before the pool starts, so listeners see its first start too.
    const watch = (pool: PluginPool, started: boolean | undefined) => (started === false ? events.remove(pool) : events.add(pool));
    const entry = { key, ...(await startFolderPlugin(found, { logger, ...(options.tools ? { tools: options.tools } : {}) }, limits, watch)) };
    running.set(key, entry);
    const { name, version } = entry.definition;
    const { placement } = found.manifest;
    logger.info({ plugin: name, version, placement, folder: found.folder, pids: entry.pool.stats().pids, ...(limits ? { limits } : {}) }, `${placement} plugin started`);
    return entry;
  };

  /** A limits entry for a plugin no plugin dir has may be deliberate (the plugin is not installed here): a warning. */
  const warnUnknownLimits = (byName: PluginLimitsByName | undefined, scan: PluginDirScan, dirs: readonly string[]) => {
    if (!byName) return;
    const names = new Set([...scan.found.map((f) => f.manifest.name), ...scan.refused.map((r) => r.name)]);
    for (const name of Object.keys(byName)) {
      if (!names.has(name)) logger.warn({ plugin: name, dirs, known: [...names].sort() }, "limits are set for a plugin no plugin dir provides; they apply to nothing");
    }
  };

  const loader: PluginLoader = {
    registry: createLayeredRegistry(base, () => view),
    async prepare(raw, dirs, prepareOptions = {}) {
      pending = new Set();
      view = new Map();
      const wanted = [...collectModuleIds(raw, base)].filter((id) => !base.get(id) && base.namespace(id.slice(0, id.lastIndexOf("."))));
      if (wanted.length === 0) return;
      const scan = await readPluginDirs(dirs);
      warnUnknownLimits(prepareOptions.limits, scan, dirs);
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
      const results = await Promise.allSettled([...needed.values()].map((found) => start(found, limitsOf(prepareOptions.limits, found.manifest.name))));
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
    subscribe: (listener) => events.subscribe(listener),
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
