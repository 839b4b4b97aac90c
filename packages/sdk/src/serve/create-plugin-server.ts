import { DeadlineSweep, ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { CallMessage, CancelMessage, CreateMessage, DestroyMessage, FrameMessage, HealthMessage } from "@loom/protocol";
import type { Logger } from "../logger.ts";
import { createInstance } from "./create-instance.ts";
import type { LiveInstance } from "./create-instance.ts";
import { errorFields } from "./error-fields.ts";
import type { ErrorFields } from "./error-fields.ts";
import type { ServedModule } from "./resolve-served-modules.ts";
import { LIFECYCLE_METHODS, runCall } from "./run-call.ts";
import type { CallOutcome } from "./run-call.ts";
import { CallState } from "./call-state.ts";
import { settleWithin } from "./settle-within.ts";

/** Of a shutdown's deadline, the part kept for stopping and cleaning up instances after the drain. */
const TEARDOWN_RESERVE_MS = 1_000;

/** The frames the host sends that the server answers; `shutdown` and `error` belong to the connection. */
export type HostRequest = CreateMessage | DestroyMessage | CallMessage | HealthMessage | CancelMessage;

export interface PluginServerOptions {
  modules: ReadonlyMap<string, ServedModule>;
  /** Queues a frame to the host; throws if the message cannot be encoded (see FrameWriter.send). */
  send(message: FrameMessage): void;
  logger: Logger;
  maxConcurrentCalls?: number;
}

export interface PluginServer {
  /** Handles one frame. Throws PROTOCOL_ERROR for a request whose id is still in flight. */
  receive(message: HostRequest): void;
  /**
   * Stops taking work (later create and call get PLUGIN_STOPPING), waits for requests in flight, cancels
   * what is left shortly before the deadline, then stops and cleans up the instances still alive.
   */
  shutdown(deadlineMs: number): Promise<void>;
  /** After a connection failure: aborts every call and instance, replying nothing. */
  abortAll(): void;
}

/** A request in flight: a `create`, or a call (CallState). */
type Pending = { readonly kind: "create" } | CallState;

const CREATING: Pending = { kind: "create" };

/** The plugin's side of protocol v1 after the handshake: instances, calls, cancellation, shutdown. */
export function createPluginServer(options: PluginServerOptions): PluginServer {
  const { modules, logger } = options;
  const instances = new Map<string, LiveInstance>();
  const pending = new Map<number, Pending>();
  let calls = 0;
  let instanceCount = 0;
  let stopping = false;
  /** Resolves the shutdown's wait for the requests in flight once none is left. */
  let onIdle: (() => void) | undefined;

  const send = (id: number, message: FrameMessage): void => {
    try {
      options.send(message);
    } catch (error) {
      const code = isLoomError(error) && error.code === ErrorCode.FRAME_TOO_LARGE ? ErrorCode.FRAME_TOO_LARGE : ErrorCode.PLUGIN_CALL_FAILED;
      const reason = error instanceof Error ? error.message : String(error);
      try {
        options.send({ type: "error", id, code, message: `the reply could not be sent: ${reason.slice(0, 4096)}` });
      } catch (again) {
        logger.error({ err: again, id }, "could not send a reply");
      }
    }
  };
  const fail = (id: number, fields: ErrorFields) => send(id, { type: "error", id, ...fields });

  const track = (id: number, entry: Pending): void => {
    pending.set(id, entry);
    if (entry.kind === "call") calls++;
  };
  /** Sends the one reply of a tracked request; later attempts (a late result after cancel) are dropped. */
  const reply = (id: number, message: FrameMessage): void => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    if (entry.kind === "call") calls--;
    send(id, message);
    if (onIdle !== undefined && pending.size === 0) onIdle();
  };
  const replyOutcome = (id: number, outcome: CallOutcome): void =>
    reply(id, outcome.ok ? (outcome.value === undefined ? { type: "result", id } : { type: "result", id, value: outcome.value }) : { type: "error", id, ...outcome.error });
  const abortCall = (id: number, code: ErrorCode, message: string): void => {
    const entry = pending.get(id);
    if (entry?.kind !== "call") return;
    // Reply first: the host gets its answer even if an abort listener of the module misbehaves.
    reply(id, { type: "error", id, code, message });
    entry.abort(new LoomError(code, message));
  };

  /** Calls past their deadline fail with PLUGIN_TIMEOUT (one timer for all: DeadlineSweep). */
  const deadlines = new DeadlineSweep(Date.now, (now) => {
    let next = Infinity;
    for (const [id, entry] of pending) {
      if (entry.kind !== "call") continue;
      if (entry.deadline <= now) abortCall(id, ErrorCode.PLUGIN_TIMEOUT, `the call passed its deadline of ${entry.deadlineMs} ms`);
      else if (entry.deadline < next) next = entry.deadline;
    }
    return next;
  });

  const create = (message: CreateMessage): void => {
    const { id } = message;
    if (stopping) return fail(id, { code: ErrorCode.PLUGIN_STOPPING, message: "the plugin is shutting down and creates no instances" });
    const served = modules.get(message.module);
    if (!served) {
      const known = [...modules.keys()].join(", ") || "(none)";
      return fail(id, { code: ErrorCode.MODULE_UNKNOWN, message: `this plugin does not provide module ${message.module}; it provides ${known}` });
    }
    track(id, CREATING);
    const instanceId = `i${++instanceCount}`;
    createInstance(served, message, instanceId, logger).then(
      (instance) => {
        instances.set(instanceId, instance);
        reply(id, { type: "created", id, instance: instanceId });
      },
      (error: unknown) => reply(id, { type: "error", id, ...errorFields(error, ErrorCode.MODULE_LIFECYCLE_FAILED, { keepCode: true }) }),
    );
  };

  const call = (message: CallMessage): void => {
    const { id, method } = message;
    if (stopping) return fail(id, { code: ErrorCode.PLUGIN_STOPPING, message: "the plugin is shutting down and takes no new calls" });
    const instance = instances.get(message.instance);
    if (!instance) return fail(id, { code: ErrorCode.PLUGIN_TARGET_UNKNOWN, message: `no instance ${message.instance} (never created, or destroyed)` });
    const { definition, namespace } = instance.served;
    if (!LIFECYCLE_METHODS.has(method) && !namespace.methods.includes(method)) {
      return fail(id, {
        code: ErrorCode.PLUGIN_TARGET_UNKNOWN,
        message: `module ${definition.id} has no method ${method}; it has ${[...namespace.methods, ...LIFECYCLE_METHODS].join(", ")}`,
      });
    }
    if (options.maxConcurrentCalls !== undefined && calls >= options.maxConcurrentCalls) {
      return fail(id, { code: ErrorCode.PLUGIN_OVERLOADED, message: `the plugin already runs ${calls} calls, its maximum` });
    }
    const info = new CallState(id, instance.id, definition.id, method, message.deadlineMs);
    track(id, info);
    deadlines.add(info.deadline);
    const outcome = runCall(instance, message.args, info);
    if (outcome instanceof Promise) void outcome.then((settled) => replyOutcome(id, settled));
    else replyOutcome(id, outcome);
  };

  const destroy = (message: DestroyMessage): void => {
    const { id } = message;
    const instance = instances.get(message.instance);
    if (!instance) return fail(id, { code: ErrorCode.PLUGIN_TARGET_UNKNOWN, message: `no instance ${message.instance} (never created, or destroyed)` });
    instances.delete(instance.id);
    for (const [callId, entry] of pending) {
      if (entry.kind === "call" && entry.instance === instance.id) abortCall(callId, ErrorCode.CALL_CANCELLED, `instance ${instance.id} was destroyed`);
    }
    instance.lifetime.abort();
    send(id, { type: "result", id });
  };

  const teardown = async (): Promise<void> => {
    for (const instance of [...instances.values()].reverse()) {
      const step = async (name: "stop" | "cleanup") => {
        try {
          await (instance.value[name] as (() => unknown) | undefined)?.call(instance.value);
        } catch (error) {
          logger.warn({ err: error, module: instance.served.definition.id, instance: instance.id }, `module ${name} failed at shutdown`);
        }
      };
      if (instance.started) {
        instance.started = false;
        await step("stop");
      }
      if (!instance.cleanedUp) {
        instance.cleanedUp = true;
        instance.lifetime.abort();
        await step("cleanup");
      }
    }
  };

  return {
    receive(message) {
      if (message.type !== "cancel" && pending.has(message.id)) {
        throw new LoomError(ErrorCode.PROTOCOL_ERROR, `${message.type} frame (id ${message.id}) reuses the id of a request still in flight`);
      }
      switch (message.type) {
        case "create":
          return create(message);
        case "call":
          return call(message);
        case "destroy":
          return destroy(message);
        case "health":
          return send(message.id, { type: "health-ok", id: message.id, inFlight: calls });
        case "cancel": {
          const deadline = message.reason === "deadline";
          const why = message.reason === undefined ? "" : ` (${message.reason})`;
          return abortCall(message.id, deadline ? ErrorCode.PLUGIN_TIMEOUT : ErrorCode.CALL_CANCELLED, `the host cancelled the call${why}`);
        }
      }
    },
    async shutdown(deadlineMs) {
      stopping = true;
      const deadline = Date.now() + deadlineMs;
      const drainMs = deadlineMs - Math.min(TEARDOWN_RESERVE_MS, deadlineMs / 4);
      if (pending.size > 0) await settleWithin([new Promise<void>((resolve) => (onIdle = resolve))], drainMs);
      for (const [id, entry] of pending) {
        if (entry.kind === "call") abortCall(id, ErrorCode.CALL_CANCELLED, "the plugin shut down before the call finished");
        else reply(id, { type: "error", id, code: ErrorCode.PLUGIN_STOPPING, message: "the plugin shut down before the instance was created" });
      }
      await settleWithin([teardown()], deadline - Date.now());
    },
    abortAll() {
      stopping = true;
      deadlines.stop();
      for (const entry of pending.values()) {
        if (entry.kind === "call") entry.abort(new LoomError(ErrorCode.CALL_CANCELLED, "the connection to the host failed"));
      }
      pending.clear();
      for (const instance of instances.values()) instance.lifetime.abort();
    },
  };
}
