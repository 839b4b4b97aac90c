import { ErrorCode, LoomError } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import type { PluginConnection } from "./plugin-connection.ts";
import { describeExit, withStderrTail } from "./plugin-errors.ts";
import type { PluginOutput } from "./pipe-plugin-output.ts";
import type { LaunchCommand } from "./resolve-launch-command.ts";
import { settlesWithin } from "./settle-within.ts";
import type { SpawnedPlugin } from "./spawn-plugin.ts";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";
import { terminateProcess } from "./terminate-process.ts";

/** After fd 4 closes, how long to wait for the exit that usually follows, so the error can name it. */
export const CHANNEL_END_EXIT_WAIT_MS = 500;
/** After the exit, how long to wait for the rest of stderr, so the error can quote it. */
export const EXIT_OUTPUT_WAIT_MS = 100;

export interface PluginProcessParts {
  readonly options: ResolvedSubprocessOptions;
  readonly spawned: SpawnedPlugin;
  readonly pid: number;
  readonly label: string;
  readonly command: LaunchCommand;
  readonly handshake: HandshakeMessage;
  readonly connection: PluginConnection;
  readonly output: PluginOutput;
  readonly logger: Logger;
}

/**
 * A started plugin process with an accepted handshake. It reports, once, a failure it was not asked
 * for: an exit or a closed channel (PLUGIN_CRASHED, naming the exit status and quoting stderr) or a
 * broken connection (the connection's error); every pending and queued call fails with it at once.
 */
export class PluginProcess {
  readonly pid: number;
  readonly label: string;
  readonly handshake: HandshakeMessage;
  readonly connection: PluginConnection;
  readonly command: LaunchCommand;
  readonly output: PluginOutput;
  readonly startedAt = Date.now();
  readonly #parts: PluginProcessParts;
  #failure: LoomError | undefined;
  #listeners: ((error: LoomError) => void)[] = [];
  #ending: Promise<void> | undefined;

  constructor(parts: PluginProcessParts) {
    this.#parts = parts;
    ({ pid: this.pid, label: this.label, handshake: this.handshake, connection: this.connection } = parts);
    ({ command: this.command, output: this.output } = parts);
    const { spawned } = parts;
    void spawned.exited.then(async (exit) => {
      // Replies and stderr written just before the exit may still be in the pipes: read them first.
      await settlesWithin(Promise.all([parts.output.ended, spawned.channelClosed]), EXIT_OUTPUT_WAIT_MS);
      const error = new LoomError(ErrorCode.PLUGIN_CRASHED, withStderrTail(`${this.label} ${describeExit(exit)}`, parts.output.tail()));
      this.#fail(error);
      parts.output.close();
      // A grandchild may still hold the pipes; the host lets go of them.
      setTimeout(() => spawned.closeStdio(), 1000).unref();
    });
  }

  /** The exit status, once the process has exited. */
  get exit() {
    return this.#parts.spawned.exit();
  }

  /** The failure that ended this process, if any. */
  get failure(): LoomError | undefined {
    return this.#failure;
  }

  /** Calls `listener` once with the failure (at once if it already happened). */
  onFailure(listener: (error: LoomError) => void): void {
    if (this.#failure) listener(this.#failure);
    else this.#listeners.push(listener);
  }

  /**
   * Declares the process failed (a broken connection, a missed health check): its calls fail with
   * `error`, the failure listeners hear of it, and the process is killed.
   */
  fail(error: LoomError): void {
    this.#fail(error);
    void this.kill(error);
  }

  /** Called by the launcher when the plugin closes fd 4: a crash unless it was stopping. */
  channelEnded(): void {
    if (this.#ending) return;
    void settlesWithin(this.#parts.spawned.exited, CHANNEL_END_EXIT_WAIT_MS).then((exited) => {
      if (exited || this.#ending) return;
      const error = new LoomError(ErrorCode.PLUGIN_CRASHED, withStderrTail(`${this.label} closed its protocol channel but kept running`, this.output.tail()));
      this.#fail(error);
      void this.kill(error);
    });
  }

  /**
   * Graceful stop (docs/protocol.md, "Shutdown"): new calls fail with PLUGIN_STOPPING, queued calls
   * still go out, then `shutdown` with the time left; in-flight calls drain while the plugin exits.
   * Past the deadline: SIGTERM, then SIGKILL after the grace period (`onEscalate` is told first).
   */
  stop(onEscalate?: () => void): Promise<void> {
    this.#ending ??= (async () => {
      const { options, spawned, connection } = this.#parts;
      connection.refuse(new LoomError(ErrorCode.PLUGIN_STOPPING, `${this.label} is stopping and takes no new calls`));
      const deadlineAt = performance.now() + options.shutdownTimeoutMs;
      let escalated = false;
      if (!this.exit && !this.#failure) {
        await settlesWithin(connection.whenQueueEmpty(), options.shutdownTimeoutMs);
        connection.shutdown(Math.max(1, Math.ceil(deadlineAt - performance.now())));
        if (!(await settlesWithin(spawned.exited, deadlineAt - performance.now()))) {
          escalated = true;
          onEscalate?.();
          const signal = await terminateProcess(spawned.child, spawned.exited, () => !this.exit, options.killGraceMs);
          this.#parts.logger.warn({ signal }, `plugin did not exit within ${options.shutdownTimeoutMs} ms of shutdown`);
        }
      }
      // Calls still pending now were never answered: the plugin was stopped, or died while draining.
      const exit = this.exit;
      const died = !escalated && exit !== undefined && exit.code !== 0;
      connection.fail(
        died
          ? new LoomError(ErrorCode.PLUGIN_CRASHED, withStderrTail(`${this.label} ${describeExit(exit)} while stopping`, this.output.tail()))
          : new LoomError(ErrorCode.PLUGIN_STOPPING, `${this.label} stopped before answering`),
      );
      await settlesWithin(this.output.ended, EXIT_OUTPUT_WAIT_MS);
      this.output.close();
      spawned.closeStdio();
    })();
    return this.#ending;
  }

  /** Fails every call with `reason`, then SIGTERM and SIGKILL after the grace period. */
  kill(reason: LoomError): Promise<void> {
    this.#ending ??= (async () => {
      const { options, spawned, connection } = this.#parts;
      connection.fail(reason);
      await terminateProcess(spawned.child, spawned.exited, () => !this.exit, options.killGraceMs);
      await settlesWithin(this.output.ended, EXIT_OUTPUT_WAIT_MS);
      this.output.close();
      spawned.closeStdio();
    })();
    return this.#ending;
  }

  #fail(error: LoomError): void {
    // Once stopping or killed, stop() and kill() decide what pending calls fail with.
    if (this.#failure || this.#ending) return;
    this.#failure = error;
    this.#parts.connection.fail(error);
    for (const listener of this.#listeners.splice(0)) listener(error);
  }
}
