import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, LoomError, PROTOCOL_VERSIONS, checkHandshake, isLoomError } from "@loom/protocol";
import type { HandshakeMessage } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import { PluginConnection } from "./plugin-connection.ts";
import { describeExit, withStderrTail } from "./plugin-errors.ts";
import { EXIT_OUTPUT_WAIT_MS, PluginProcess } from "./plugin-process.ts";
import { pipePluginOutput } from "./pipe-plugin-output.ts";
import { resolveLaunchCommand } from "./resolve-launch-command.ts";
import type { LaunchTools } from "./resolve-launch-command.ts";
import { settlesWithin } from "./settle-within.ts";
import { spawnPlugin } from "./spawn-plugin.ts";
import type { SpawnedPlugin } from "./spawn-plugin.ts";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";
import { terminateProcess } from "./terminate-process.ts";

export interface LaunchPluginOptions {
  options: ResolvedSubprocessOptions;
  /** The plugin's logger; the process logs under its child `{ pid }`. */
  logger: Logger;
  /** Aborting it kills a process that has not finished its handshake. */
  signal?: AbortSignal | undefined;
  /** Told how many output lines the rate limit dropped. */
  onDroppedLines?: ((count: number) => void) | undefined;
  /** setpriv and prlimit; found in PATH by default. */
  tools?: LaunchTools | undefined;
}

/**
 * Starts one plugin process and waits for a valid handshake within `startTimeoutMs`
 * (docs/protocol.md, "Launch" and "Handshake"). Fails with PLUGIN_START_FAILED (could not start, exited
 * or stayed silent), HANDSHAKE_FAILED (invalid fields, wrong nonce or version, duplicate modules) or
 * PROTOCOL_VERSION_MISMATCH (reported by either side), naming the plugin and quoting its last stderr
 * lines; the process is gone by the time the promise rejects.
 */
export async function launchPluginProcess(input: LaunchPluginOptions): Promise<PluginProcess> {
  const { options } = input;
  const command = resolveLaunchCommand(options, input.tools);
  let spawned: SpawnedPlugin;
  try {
    spawned = spawnPlugin(options, command);
  } catch (error) {
    throw new LoomError(ErrorCode.PLUGIN_START_FAILED, `cannot start plugin ${options.name} (${options.command}): ${(error as Error).message}`, { cause: error });
  }
  const pid = spawned.pid ?? 0;
  const label = `plugin ${options.name} (pid ${pid})`;
  const logger = input.logger.child({ pid });
  const output = pipePluginOutput(spawned.stdout, spawned.stderr, { ...options.output, logger, onDropped: input.onDroppedLines });
  let started: PluginProcess | undefined;
  const connection = new PluginConnection({
    label,
    input: spawned.fromPlugin,
    output: spawned.toPlugin,
    maxFrameBytes: options.maxFrameBytes,
    maxQueuedCalls: options.maxQueuedCalls,
    cancelGraceMs: options.cancelGraceMs,
    onBroken: (error) => started?.fail(error),
    onEnd: () => started?.channelEnded(),
  });
  try {
    const handshake = await waitForHandshake(spawned, connection, label, options.startTimeoutMs, input.signal);
    const version = checkOrReport(handshake, spawned.nonce, connection);
    connection.open({
      peerMaxFrameBytes: handshake.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxConcurrentCalls: Math.min(options.maxConcurrentCalls, handshake.maxConcurrentCalls ?? Number.POSITIVE_INFINITY),
    });
    started = new PluginProcess({ options, spawned, pid, label, command, handshake, connection, output, logger });
    logger.info(
      { version: handshake.plugin.version, protocol: version, modules: handshake.modules.length, pdeathsig: command.pdeathsig, memoryCap: command.memoryCap },
      "plugin process started",
    );
    return started;
  } catch (cause) {
    const error = isLoomError(cause) ? cause : new LoomError(ErrorCode.INTERNAL, String(cause), { cause });
    connection.fail(error);
    if (spawned.pid !== undefined) await terminateProcess(spawned.child, spawned.exited, () => !spawned.exit(), options.killGraceMs);
    await settlesWithin(output.ended, EXIT_OUTPUT_WAIT_MS);
    output.close();
    spawned.closeStdio();
    const message = error.message.startsWith(label) ? error.message : `${label}: ${error.message}`;
    throw new LoomError(error.code, withStderrTail(message, output.tail()), { cause: error, diagnostics: error.diagnostics });
  }
}

/** checkHandshake; a failure is also reported to the plugin, as an `error` frame with id 0. */
function checkOrReport(handshake: HandshakeMessage, nonce: string, connection: PluginConnection): number {
  try {
    return checkHandshake(handshake, { protocolVersions: PROTOCOL_VERSIONS, nonce });
  } catch (error) {
    if (isLoomError(error)) {
      const data = error.code === ErrorCode.PROTOCOL_VERSION_MISMATCH ? { host: PROTOCOL_VERSIONS, plugin: handshake.protocolVersions } : undefined;
      connection.sendError(error.code, error.message, data);
    }
    throw error;
  }
}

/** The first frame, when it is a handshake; whatever comes first otherwise: an exit, silence, an abort. */
function waitForHandshake(
  spawned: SpawnedPlugin,
  connection: PluginConnection,
  label: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<HandshakeMessage> {
  return new Promise((resolve, reject) => {
    const fail = (message: string, code: ErrorCode = ErrorCode.PLUGIN_START_FAILED) => reject(new LoomError(code, message));
    const timer = setTimeout(() => fail(`${label} sent no handshake within ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => fail(`${label}: start cancelled, the host is stopping`, ErrorCode.PLUGIN_STOPPING);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    connection.handshake.then(
      (handshake) => {
        done();
        resolve(handshake);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
    // Frames written just before the exit may still be in the pipe: read them first.
    void spawned.exited.then(async (exit) => {
      await settlesWithin(spawned.channelClosed, EXIT_OUTPUT_WAIT_MS);
      done();
      fail(`${label} ${describeExit(exit)} before its handshake`);
    });
    void spawned.spawnError.then((error) => {
      done();
      fail(`cannot start ${label.replace(/ \(pid 0\)$/, "")}: ${error.message}`);
    });
  });
}
