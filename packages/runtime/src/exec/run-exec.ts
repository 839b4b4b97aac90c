import { Readable } from "node:stream";
import { ErrorCode, LoomError, encodeFrame, isLoomError } from "@loom/protocol";
import type { FrameMessage, HandshakeMessage } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import { describeExit, errorFromReply, withStderrTail } from "../subprocess/plugin-errors.ts";
import { EXIT_OUTPUT_WAIT_MS } from "../subprocess/plugin-process.ts";
import { pipePluginOutput } from "../subprocess/pipe-plugin-output.ts";
import type { LaunchCommand } from "../subprocess/resolve-launch-command.ts";
import { settlesWithin } from "../subprocess/settle-within.ts";
import type { ResolvedExecOptions } from "./exec-options.ts";
import { EXEC_CALL_ID, EXEC_CREATE_ID, ExecReplyReader } from "./read-exec-replies.ts";
import type { ExecRunKind } from "./read-exec-replies.ts";
import { spawnExecProcess } from "./spawn-exec-process.ts";

/** The instance id an exec run's `call` names: the one instance `create` built in the same process. */
export const EXEC_INSTANCE = "exec";

/** One exec run: what to send, until when, and what to call it in errors. */
export interface ExecRun {
  readonly kind: ExecRunKind;
  readonly module?: string | undefined;
  readonly config?: unknown;
  readonly path?: string | undefined;
  readonly method?: string | undefined;
  readonly args?: readonly unknown[] | undefined;
  /** `performance.now()` time after which the process group is killed (PLUGIN_TIMEOUT). */
  readonly deadlineAt: number;
  /** The timeout that set the deadline, for the PLUGIN_TIMEOUT message. */
  readonly timeoutMs: number;
  /** Aborting it kills the process group (CALL_CANCELLED). */
  readonly signal?: AbortSignal | undefined;
  /** The plugin's largest frame (its handshake's maxFrameBytes); a bigger request fails here with FRAME_TOO_LARGE. */
  readonly peerMaxFrameBytes: number;
  /** E.g. `plugin acme: http.handlers.echo handle()`: starts every error message. */
  readonly what: string;
  /** Told the pid once the process runs, and told again (undefined) when the run is over. */
  readonly onPid?: ((pid: number | undefined) => void) | undefined;
}

export interface ExecRunContext {
  readonly options: ResolvedExecOptions;
  readonly command: LaunchCommand;
  /** The plugin's logger; the process logs under its child `{ pid }`. */
  readonly logger: Logger;
  readonly onDroppedLines?: ((count: number) => void) | undefined;
}

export interface ExecRunResult {
  readonly pid: number;
  readonly handshake: HandshakeMessage;
  /** The call's value (a call run); undefined otherwise. */
  readonly value: unknown;
}

/** The frames a run sends on stdin, encoded before anything is spawned (too large: fails here). */
function requestBytes(run: ExecRun): Uint8Array[] {
  const frames: FrameMessage[] = [];
  if (run.kind !== "handshake") {
    frames.push({ type: "create", id: EXEC_CREATE_ID, module: run.module!, config: run.config, ...(run.path === undefined ? {} : { path: run.path }) });
  }
  if (run.kind === "call") {
    const deadlineMs = Math.min(2 ** 31 - 1, Math.max(1, Math.ceil(run.deadlineAt - performance.now())));
    frames.push({ type: "call", id: EXEC_CALL_ID, instance: EXEC_INSTANCE, method: run.method!, args: [...(run.args ?? [])], deadlineMs });
  }
  return frames.map((frame) => encodeFrame(frame, { maxFrameBytes: run.peerMaxFrameBytes }));
}

/**
 * Runs the plugin's command once (docs/protocol.md, "Exec mode"): writes the run's frames on stdin and
 * closes it, reads the handshake and the replies from stdout, re-emits stderr lines under `{ plugin, pid }`,
 * and waits for the exit. Throws PLUGIN_TIMEOUT past the deadline and CALL_CANCELLED on abort (both kill
 * the process group with SIGKILL), PROTOCOL_ERROR for anything on stdout that is not the expected frames,
 * PLUGIN_CRASHED for a nonzero exit before the answer, PLUGIN_START_FAILED when the command cannot start,
 * and the plugin's own error for an `error` reply; messages start with `what` and quote the last stderr lines.
 */
export async function runExec(context: ExecRunContext, run: ExecRun): Promise<ExecRunResult> {
  const requests = requestBytes(run);
  if (run.signal?.aborted) throw new LoomError(ErrorCode.CALL_CANCELLED, `${run.what}: cancelled by the caller before it started`);
  const { options } = context;
  let child;
  try {
    child = spawnExecProcess(options, context.command);
  } catch (error) {
    throw new LoomError(ErrorCode.PLUGIN_START_FAILED, `${run.what}: cannot start ${options.command}: ${(error as Error).message}`, { cause: error });
  }
  const pid = child.pid ?? 0;
  run.onPid?.(child.pid);
  type Why = "exit" | "protocol" | "timeout" | "cancel" | "spawn";
  let stop!: (why: Why) => void;
  const stopped = new Promise<Why>((resolve) => (stop = resolve));
  const logger = context.logger.child({ pid });
  const output = pipePluginOutput(Readable.from([]), child.stderr, { ...options.output, logger, onDropped: context.onDroppedLines });
  const reader = new ExecReplyReader(run.kind, child.nonce, options.maxFrameBytes);
  const stdoutEnded = new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Uint8Array) => {
      reader.push(chunk);
      if (reader.failure) stop("protocol");
    });
    child.stdout.once("end", resolve);
    child.stdout.once("close", resolve);
  });
  for (const bytes of requests) child.stdin.write(bytes);
  child.stdin.end();

  const timer = setTimeout(() => stop("timeout"), Math.max(0, run.deadlineAt - performance.now()));
  const onAbort = () => stop("cancel");
  run.signal?.addEventListener("abort", onAbort, { once: true });
  void child.exited.then(async () => {
    // Replies written just before the exit may still be in the pipe: read them first.
    await settlesWithin(stdoutEnded, EXIT_OUTPUT_WAIT_MS);
    stop("exit");
  });
  void child.spawnError.then(() => stop("spawn"));

  const why = await stopped;
  clearTimeout(timer);
  run.signal?.removeEventListener("abort", onAbort);
  if (why !== "exit" || !reader.complete) child.killGroup();
  await settlesWithin(child.exited, EXIT_OUTPUT_WAIT_MS * 10);
  await settlesWithin(output.ended, EXIT_OUTPUT_WAIT_MS);
  output.close();
  child.closeStdio();
  run.onPid?.(undefined);

  const label = `${run.what}: the process (pid ${pid})`;
  const killed = `its process (pid ${pid}) and the process group were killed`;
  const fail = (code: ErrorCode, message: string, cause?: unknown) =>
    new LoomError(code, withStderrTail(message, output.tail()), { cause, diagnostics: isLoomError(cause) ? cause.diagnostics : [] });
  if (why === "spawn") {
    const error = await child.spawnError;
    throw new LoomError(ErrorCode.PLUGIN_START_FAILED, `${run.what}: cannot start ${options.command}: ${error.message}`, { cause: error });
  }
  // An answer that is complete stands even when the process then hangs (e.g. in a module's cleanup).
  const answered = why === "timeout" && reader.complete;
  if (why === "timeout" && !answered) {
    throw fail(ErrorCode.PLUGIN_TIMEOUT, `${run.what}: no answer within ${run.timeoutMs} ms (exec timeoutMs); ${killed}`);
  }
  if (why === "cancel") throw fail(ErrorCode.CALL_CANCELLED, `${run.what}: cancelled by the caller; ${killed}`);
  if (why === "exit") reader.end();
  if (reader.failure) throw fail(reader.failure.code, `${label} ${reader.failure.message}`, reader.failure);
  const exit = child.exit() ?? { code: null, signal: "SIGKILL" as const };
  if (!reader.complete) {
    if (exit.code === 0) throw fail(ErrorCode.PROTOCOL_ERROR, `${label} exited with code 0 without answering (${reader.handshake ? "no reply" : "no handshake"} on stdout)`);
    throw fail(ErrorCode.PLUGIN_CRASHED, `${label} ${describeExit(exit)} before it answered`);
  }
  if (answered) logger.warn({ timeoutMs: run.timeoutMs }, "exec process answered but did not exit before the timeout; its process group was killed");
  else if (exit.code !== 0) logger.warn({ code: exit.code, signal: exit.signal }, `exec process ${describeExit(exit)} after it answered`);
  const reply = reader.reply;
  if (reply?.type === "error") throw errorFromReply(reply, run.what);
  return { pid, handshake: reader.handshake!, value: reply?.type === "result" ? reply.value : undefined };
}
