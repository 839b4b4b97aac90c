export { createRegistry } from "./registry.ts";
export type { RegisteredModule, Registry } from "./registry.ts";
export { createAssembly } from "./assembly.ts";
export type { Assembly, LoadedModule } from "./assembly.ts";
export { createModuleHost } from "./module-host.ts";
export type { Generation, ModuleHost, ModuleHostOptions, ModuleLoader } from "./module-host.ts";
export { didYouMean } from "@loom/protocol";
export { joinPath, joinPaths } from "./json-path.ts";
export { zodDiagnostics } from "./zod-diagnostics.ts";
export { PluginShapeSchema, parsePluginDefinition } from "./parse-plugin-definition.ts";
export { createPluginPool } from "./subprocess/plugin-pool.ts";
export type { PluginPool, PluginPoolContext, RemoteCallOptions, RemoteInstance } from "./subprocess/plugin-pool.ts";
export { RemoteConfigSchema, createRemotePlugin, createRemoteProxy } from "./subprocess/create-remote-plugin.ts";
export {
  CircuitOptionsSchema,
  OutputOptionsSchema,
  RestartOptionsSchema,
  SubprocessPluginOptionsSchema,
  resolveSubprocessOptions,
} from "./subprocess/subprocess-options.ts";
export type { ResolvedSubprocessOptions, SubprocessPluginOptions } from "./subprocess/subprocess-options.ts";
export { launchPluginProcess } from "./subprocess/launch-plugin-process.ts";
export type { LaunchPluginOptions } from "./subprocess/launch-plugin-process.ts";
export { PluginProcess } from "./subprocess/plugin-process.ts";
export { PluginConnection } from "./subprocess/plugin-connection.ts";
export type { CallOptions, ConnectionLimits, ConnectionOptions } from "./subprocess/plugin-connection.ts";
export { PluginSupervisor } from "./subprocess/plugin-supervisor.ts";
export type { SupervisorOptions } from "./subprocess/plugin-supervisor.ts";
export { SUPERVISOR_TRANSITIONS } from "./subprocess/supervisor-state.ts";
export type { SupervisorState } from "./subprocess/supervisor-state.ts";
export type { PluginEvent, PluginEventListener, PluginProcessStats, PluginStats } from "./subprocess/plugin-stats.ts";
export { LATENCY_BUCKETS_MS, LatencyHistogram } from "./subprocess/latency-histogram.ts";
export type { LatencySummary } from "./subprocess/latency-histogram.ts";
export { defaultLaunchTools, isNodeCommand, resolveLaunchCommand } from "./subprocess/resolve-launch-command.ts";
export type { LaunchCommand, LaunchTools } from "./subprocess/resolve-launch-command.ts";
export type { LifecycleStep } from "./subprocess/instance-state.ts";
export { PLUGIN_MANIFEST_FILE, ManifestExecSchema, ManifestPlacementSchema, ManifestSubprocessSchema, PluginManifestSchema, parsePluginManifest } from "./loader/plugin-manifest.ts";
export { ExecPluginOptionsSchema, resolveExecOptions } from "./exec/exec-options.ts";
export type { ExecPluginOptions, ResolvedExecOptions } from "./exec/exec-options.ts";
export { createExecPluginPool } from "./exec/exec-plugin-pool.ts";
export { runExec } from "./exec/run-exec.ts";
export type { ExecRun, ExecRunContext, ExecRunResult } from "./exec/run-exec.ts";
export type { PluginManifest } from "./loader/plugin-manifest.ts";
export { readPluginDirs, sha256Integrity } from "./loader/read-plugin-dirs.ts";
export type { FoundPlugin, PluginDirScan, RefusedPlugin } from "./loader/read-plugin-dirs.ts";
export { collectModuleIds } from "./loader/collect-module-ids.ts";
export { createLayeredRegistry } from "./loader/create-layered-registry.ts";
export { startFolderPlugin } from "./loader/start-folder-plugin.ts";
export type { StartedPlugin } from "./loader/start-folder-plugin.ts";
export { createPluginLoader } from "./loader/create-plugin-loader.ts";
export type { PluginLoader, PluginLoaderOptions, PrepareOptions } from "./loader/create-plugin-loader.ts";
export { PluginLimitsSchema } from "./loader/plugin-limits.ts";
export type { PluginLimits, PluginLimitsByName } from "./loader/plugin-limits.ts";
