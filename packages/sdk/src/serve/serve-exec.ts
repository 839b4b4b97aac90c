import { ErrorCode, LoomError, PROTOCOL_VERSIONS, chooseProtocolVersion, encodeFrame, isLoomError } from "@loom/protocol";
import type { CallMessage, FrameMessage, PluginLaunch } from "@loom/protocol";
import type { Logger } from "../logger.ts";
import type { PluginDefinition } from "../plugin.ts";
import { buildHandshake } from "./build-handshake.ts";
import { createInstance } from "./create-instance.ts";
import type { LiveInstance } from "./create-instance.ts";
import { errorFields } from "./error-fields.ts";
import { EXEC_CALL_ID, EXEC_CREATE_ID, readExecRequest } from "./read-exec-request.ts";
import { resolveServedModules } from "./resolve-served-modules.ts";
import { runCall } from "./run-call.ts";
import type { ServedNamespace, UnservableNamespace } from "./served-namespace.ts";
import { settleWithin } from "./settle-within.ts";
import type { FrameOutput } from "./take-stdout.ts";

export interface ExecServeOptions {
  plugin: PluginDefinition;
  launch: PluginLaunch;
  /** The real stdout (see takeStdout): frames only. */
  output: FrameOutput;
  logger: Logger;
  namespaces: Readonly<Record<string, ServedNamespace | UnservableNamespace>>;
  /** The largest frame accepted from the host; announced. */
  maxFrameBytes: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One exec run (docs/protocol.md, "Exec mode"): the handshake on stdout, then the request from stdin (read
 * to its end). No request: done. `create` alone: the instance is built (its config validated), provisioned
 * and validated, cleaned up, and `created` (or the error) answers. `create` and `call`: `created`, then a
 * fresh instance's whole life in this process (provision, validate, start, the method, stop, cleanup) and
 * the method's `result` or `error`; at the call's deadline it answers PLUGIN_TIMEOUT without waiting.
 * Resolves with the exit status: 0 once answered, 1 when the run failed (an `error` frame with id 0).
 */
export async function serveExec(options: ExecServeOptions): Promise<number> {
  const { plugin, launch, logger, output } = options;
  const send = async (message: FrameMessage): Promise<void> => {
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(message, { maxFrameBytes: launch.maxFrameBytes });
    } catch (error) {
      const code = isLoomError(error) && error.code === ErrorCode.FRAME_TOO_LARGE ? ErrorCode.FRAME_TOO_LARGE : ErrorCode.PLUGIN_CALL_FAILED;
      bytes = encodeFrame({ type: "error", id: message.id, code, message: `the reply could not be sent: ${messageOf(error).slice(0, 4096)}` });
    }
    await output.write(bytes);
  };
  const failRun = async (code: string, message: string, data?: unknown): Promise<number> => {
    logger.error({ code }, message);
    await send(data === undefined ? { type: "error", id: 0, code, message } : { type: "error", id: 0, code, message, data });
    return 1;
  };

  let protocolVersion: number;
  try {
    protocolVersion = chooseProtocolVersion(launch.protocolVersions, PROTOCOL_VERSIONS);
  } catch (error) {
    return failRun(ErrorCode.PROTOCOL_VERSION_MISMATCH, messageOf(error), { host: launch.protocolVersions, plugin: [...PROTOCOL_VERSIONS] });
  }
  let served: ReturnType<typeof resolveServedModules>;
  try {
    served = resolveServedModules(plugin, options.namespaces);
    await send(buildHandshake({ plugin, launch, protocolVersion, modules: served.modules.values(), maxFrameBytes: options.maxFrameBytes }));
  } catch (error) {
    return failRun(ErrorCode.HANDSHAKE_FAILED, messageOf(error));
  }

  let request;
  try {
    request = await readExecRequest(process.stdin, options.maxFrameBytes);
  } catch (error) {
    return failRun(isLoomError(error) ? error.code : ErrorCode.PROTOCOL_ERROR, `the host broke exec mode: ${messageOf(error)}`);
  }
  const { create, call } = request;
  if (!create) return 0;
  const fail = (id: number, error: unknown, code: ErrorCode) => send({ type: "error", id, ...errorFields(error, code, { keepCode: true }) });
  const module = served.modules.get(create.module);
  if (!module) {
    const known = [...served.modules.keys()].join(", ") || "(none)";
    await fail(EXEC_CREATE_ID, new LoomError(ErrorCode.MODULE_UNKNOWN, `this plugin does not provide module ${create.module}; it provides ${known}`), ErrorCode.MODULE_UNKNOWN);
    return 0;
  }
  let instance: LiveInstance;
  try {
    instance = await createInstance(module, create, "exec", logger);
  } catch (error) {
    await fail(EXEC_CREATE_ID, error, ErrorCode.MODULE_LIFECYCLE_FAILED);
    return 0;
  }
  if (!call) {
    // The host's timeout bounds a create run; the plugin is told no deadline.
    const checked = await runSteps(instance, ["provision", "validate"], callInfo(instance, EXEC_CREATE_ID, new AbortController().signal, Number.POSITIVE_INFINITY));
    await finish(instance, Date.now() + FINISH_MS, logger);
    await send(checked.ok ? { type: "created", id: EXEC_CREATE_ID, instance: instance.id } : { type: "error", id: EXEC_CREATE_ID, ...checked.error });
    return 0;
  }
  await send({ type: "created", id: EXEC_CREATE_ID, instance: instance.id });
  if (!module.namespace.methods.includes(call.method)) {
    const known = module.namespace.methods.join(", ");
    await fail(EXEC_CALL_ID, new LoomError(ErrorCode.PLUGIN_TARGET_UNKNOWN, `module ${module.definition.id} has no method ${call.method}; it has ${known}`), ErrorCode.PLUGIN_TARGET_UNKNOWN);
    return 0;
  }
  const deadline = Date.now() + call.deadlineMs;
  const outcome = await answerCall(instance, call, deadline);
  await send(outcome.ok ? (outcome.value === undefined ? { type: "result", id: EXEC_CALL_ID } : { type: "result", id: EXEC_CALL_ID, value: outcome.value }) : { type: "error", id: EXEC_CALL_ID, ...outcome.error });
  await finish(instance, deadline, logger);
  return 0;
}

/** How long stop and cleanup may take after a create run. */
const FINISH_MS = 5_000;

type Outcome = Awaited<ReturnType<typeof runCall>>;

function callInfo(instance: LiveInstance, id: number, signal: AbortSignal, deadline: number, method = "") {
  return { id, instance: instance.id, module: instance.served.definition.id, method, signal, deadline };
}

/** Runs lifecycle steps in order; the first failure ends it and is the outcome. */
async function runSteps(instance: LiveInstance, steps: readonly string[], info: ReturnType<typeof callInfo>): Promise<Outcome> {
  for (const method of steps) {
    const outcome = await runCall(instance, [], { ...info, method });
    if (!outcome.ok) return outcome;
  }
  return { ok: true, value: undefined };
}

/** `stop` (when started) and `cleanup` (when not done yet), until `deadline` at most; failures are logged. */
async function finish(instance: LiveInstance, deadline: number, logger: Logger): Promise<void> {
  const info = callInfo(instance, 0, AbortSignal.timeout(Math.max(1, deadline - Date.now())), deadline);
  const steps = [...(instance.started ? ["stop"] : []), ...(instance.cleanedUp ? [] : ["cleanup"])];
  const done = (async () => {
    for (const method of steps) {
      const outcome = await runCall(instance, [], { ...info, method });
      if (!outcome.ok) logger.warn({ module: info.module, code: outcome.error.code }, `${method} failed after an exec run: ${outcome.error.message}`);
    }
  })();
  await settleWithin([done], deadline - Date.now());
}

/**
 * A fresh instance's life up to the method (provision, validate, start), then the method; the outcome to
 * reply. At the deadline the call's signal aborts and PLUGIN_TIMEOUT is the outcome at once.
 */
async function answerCall(instance: LiveInstance, call: CallMessage, deadline: number): Promise<Outcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      const error = new LoomError(ErrorCode.PLUGIN_TIMEOUT, `the call passed its deadline of ${call.deadlineMs} ms`);
      controller.abort(error);
      resolve({ ok: false, error: { code: error.code, message: error.message } });
    }, call.deadlineMs);
  });
  const info = callInfo(instance, EXEC_CALL_ID, controller.signal, deadline);
  const work = (async (): Promise<Outcome> => {
    const ready = await runSteps(instance, ["provision", "validate", "start"], info);
    return ready.ok ? runCall(instance, call.args, { ...info, method: call.method }) : ready;
  })();
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
