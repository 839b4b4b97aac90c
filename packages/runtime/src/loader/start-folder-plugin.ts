import { join, resolve } from "node:path";
import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { PluginDefinition } from "@loom/sdk";
import { execLimits } from "../exec/exec-limits.ts";
import { createExecPluginPool } from "../exec/exec-plugin-pool.ts";
import { createRemotePlugin } from "../subprocess/create-remote-plugin.ts";
import { createPluginPool } from "../subprocess/plugin-pool.ts";
import type { PluginPool, PluginPoolContext } from "../subprocess/plugin-pool.ts";
import { PLUGIN_MANIFEST_FILE } from "./plugin-manifest.ts";
import type { PluginLimits } from "./plugin-limits.ts";
import type { FoundPlugin } from "./read-plugin-dirs.ts";

/** A started out-of-tree plugin: its pool and the definition the registry sees. */
export interface StartedPlugin {
  readonly found: FoundPlugin;
  readonly pool: PluginPool;
  readonly definition: PluginDefinition;
}

/** A command with a "/" and args starting with ./ or ../ are paths relative to the plugin folder. */
function inFolder(folder: string, value: string, isCommand: boolean): string {
  if (isCommand ? value.includes("/") : value.startsWith("./") || value.startsWith("../")) return resolve(folder, value);
  return value;
}

/**
 * Starts the pool of a plugin folder (cwd: the folder) and checks that its handshake announces exactly
 * the modules of its plugin.json. Throws PLUGIN_START_FAILED with one diagnostic naming the plugin and
 * the reason; the pool is stopped then. `overrides` (the host's limits) win over plugin.json's `subprocess`;
 * `describe` asks a subprocess plugin for its modules' config JSON Schemas (`gateway schema`).
 * Placement "exec" makes an exec plugin instead: a process per call, whose start is one run for the handshake.
 */
export async function startFolderPlugin(
  found: FoundPlugin,
  context: PluginPoolContext,
  overrides?: PluginLimits & { describe?: boolean },
  /** Called with the pool before it starts (so a listener sees its first start); and with `false` when it did not. */
  watch?: (pool: PluginPool, started: boolean | undefined) => void,
): Promise<StartedPlugin> {
  const { folder, manifest } = found;
  const file = join(folder, PLUGIN_MANIFEST_FILE);
  const refuse = (message: string, hint: string, cause?: unknown): LoomError => {
    const diagnostic: Diagnostic = { code: ErrorCode.PLUGIN_START_FAILED, plugin: manifest.name, file, message, hint };
    return new LoomError(ErrorCode.PLUGIN_START_FAILED, `plugin ${manifest.name} (${folder}): ${message}`, { cause, diagnostics: [diagnostic] });
  };
  let pool: PluginPool;
  try {
    const launch = {
      name: manifest.name,
      command: inFolder(folder, manifest.command, true),
      args: manifest.args.map((arg) => inFolder(folder, arg, false)),
      cwd: folder,
    };
    pool =
      manifest.placement === "exec"
        ? createExecPluginPool({ ...manifest.exec, ...execLimits(overrides), describe: overrides?.describe ?? false, ...launch }, context)
        : createPluginPool({ ...manifest.subprocess, ...overrides, ...launch }, context);
  } catch (error) {
    throw refuse(isLoomError(error) ? error.message : String(error), `fix "${manifest.placement}" in ${file}`, error);
  }
  watch?.(pool, undefined);
  try {
    const handshake = await pool.start();
    const announced = handshake.modules.map((m) => m.id).sort();
    const declared = [...manifest.modules].sort();
    if (announced.join("\n") !== declared.join("\n")) {
      throw refuse(
        `its handshake announces modules [${announced.join(", ")}] but plugin.json declares [${declared.join(", ")}]`,
        `make "modules" in ${file} list exactly what the plugin provides`,
      );
    }
    return { found, pool, definition: createRemotePlugin(pool) };
  } catch (error) {
    await pool.stop();
    watch?.(pool, false);
    if (isLoomError(error) && error.code === ErrorCode.PLUGIN_START_FAILED && error.diagnostics.length > 0) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw refuse(`could not start: ${reason}`, `run the plugin's command from ${folder} to see what fails, or check its log lines`, error);
  }
}
