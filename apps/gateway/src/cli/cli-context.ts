import type { PluginDefinition } from "@loom/sdk";

/** What the build passes to the CLI: the compiled-in plugins and what the build knows of itself. */
export interface GatewayBuild {
  /**
   * Loads the compiled-in plugins. A composed build imports a plugin's code only when this is called
   * (`import()`), so commands that need no plugin (`version`, `build-info`) start without evaluating any.
   */
  loadPlugins(): Promise<readonly PluginDefinition[]>;
  /** Free-form build-info embedded by the composer; absent when running from sources. */
  buildInfo?: Record<string, unknown>;
  /** Out-of-tree plugin folders the build brings (a distribution's plugins.d/), searched after the config's `plugins.dirs`. */
  pluginDirs?: readonly string[];
}

/** Where CLI commands write for people; `color` is off under NO_COLOR or when stderr is not a TTY. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/**
 * A command as `help` lists it. A command file stays light (no zod, pino, runtime or plugins): `run`
 * imports the command's code on first use, so `gateway version` evaluates only what it needs.
 */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Resolves with the process exit code. */
  run(args: string[], build: GatewayBuild, io: CliIo): Promise<number>;
}
