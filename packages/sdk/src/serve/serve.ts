import { DEFAULT_MAX_FRAME_BYTES, MAX_U32, MIN_MAX_FRAME_BYTES, PluginEnv, isLoomError, parsePluginEnv } from "@loom/protocol";
import type { PluginLaunch } from "@loom/protocol";
import type { PluginDefinition } from "../plugin.ts";
import { createJsonLogger } from "./create-json-logger.ts";
import type { LogLevel } from "./create-json-logger.ts";
import { httpHandlersServed } from "./http-handlers-served.ts";
import { openChannel } from "./open-channel.ts";
import { runConnection } from "./run-connection.ts";
import { serveExec } from "./serve-exec.ts";
import type { ServedNamespace, UnservableNamespace } from "./served-namespace.ts";
import { takeStdout } from "./take-stdout.ts";

export interface ServeOptions {
  /**
   * Namespaces beyond the SDK's `http.handlers`, by ID: the methods of their interface, announced in the
   * handshake. A module whose namespace is neither known nor given here stops `serve` at start.
   */
  namespaces?: Readonly<Record<string, ServedNamespace>>;
  /** How many calls run at once; announced, and a call beyond it gets PLUGIN_OVERLOADED. Default: no limit. */
  maxConcurrentCalls?: number;
  /** The largest frame accepted from the host, 65536 to 2³²−1; announced. Default 16 MiB. */
  maxFrameBytes?: number;
  /** The lowest level the modules' loggers write to stderr. Default `info`. */
  logLevel?: LogLevel;
}

const writeStderr = (text: string): void => {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
};

/** Prints a message for whoever started the process and exits 1; nothing else has happened yet. */
function refuse(message: string): never {
  writeStderr(message);
  process.exit(1);
}

function checkOptions(options: ServeOptions): void {
  const max = options.maxFrameBytes;
  if (max !== undefined && (!Number.isInteger(max) || max < MIN_MAX_FRAME_BYTES || max > MAX_U32)) {
    refuse(`serve: maxFrameBytes must be an integer from ${MIN_MAX_FRAME_BYTES} to ${MAX_U32}, not ${max}`);
  }
  const calls = options.maxConcurrentCalls;
  if (calls !== undefined && (!Number.isInteger(calls) || calls < 1 || calls > MAX_U32)) {
    refuse(`serve: maxConcurrentCalls must be a positive integer, not ${calls}`);
  }
}

/**
 * Runs a plugin as a subprocess plugin: the process becomes the plugin side of Loom's protocol v1
 * (docs/protocol.md) and `serve` owns it until it exits. Call it last in the plugin's bin file.
 *
 * - Started without the host's magic cookie (by hand), it prints that this is a Loom plugin and exits 1;
 *   a malformed launch environment is reported by variable name, exit 1.
 * - It sends the handshake on the channel fds, then creates instances, runs lifecycle steps and calls,
 *   and answers health. Each call gets an AbortSignal (`call.signal` for `http.handlers`, `currentCall()`
 *   for any namespace), aborted by the host's `cancel` or at the call's deadline.
 * - `shutdown` from the host, or end-of-file on stdin (the host is gone): no new work, in-flight calls
 *   finish within the deadline, live instances are stopped and cleaned up, exit 0. A protocol error from
 *   the host: an `error` frame, exit 1.
 * - The modules' `context.logger` writes pino-style JSON lines to stderr. stdout is the plugin's own:
 *   nothing a module prints there can reach the protocol channel.
 * - With LOOM_PLUGIN_MODE=exec (docs/protocol.md, "Exec mode") it serves one run over stdin and stdout
 *   instead and exits; `process.stdout` writes (console.log) then go to stderr.
 */
export function serve(plugin: PluginDefinition, options: ServeOptions = {}): void {
  let launch: PluginLaunch;
  try {
    launch = parsePluginEnv(process.env);
  } catch (error) {
    refuse(isLoomError(error) || error instanceof Error ? error.message : String(error));
  }
  checkOptions(options);
  // Exec mode: stdout carries the frames, so it is taken before anything else can print there.
  const execOutput = launch.mode === "exec" ? takeStdout() : undefined;
  // The plugin's own child processes must not think a host started them.
  for (const name of Object.values(PluginEnv)) delete process.env[name];
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const logger = createJsonLogger({ level: options.logLevel ?? "info", write: (line) => process.stderr.write(line) });
  const namespaces = {
    "http.handlers": httpHandlersServed(launch.maxFrameBytes),
    "http.middleware": {
      unservable: "modules call next(), a call back into the host, and protocol v1 has no requests from the plugin to the host; run this plugin bundled to use them",
    } satisfies UnservableNamespace,
    ...options.namespaces,
  };
  const served = execOutput
    ? serveExec({ plugin, launch, output: execOutput, logger, namespaces, maxFrameBytes })
    : runConnection({ plugin, launch, channel: openChannel(launch.channel), lifeline: process.stdin, logger, namespaces, maxFrameBytes, maxConcurrentCalls: options.maxConcurrentCalls });
  void served.then(
    (code) => process.exit(code),
    (error: unknown) => {
      writeStderr(`serve failed (a bug in @loom/sdk/serve): ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
}
