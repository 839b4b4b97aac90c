import type { Readable, Writable } from "node:stream";
import { onCancel } from "@loom/sdk";
import type { CancelSource } from "@loom/sdk";
import { DeadlineSweep, ErrorCode, LoomError, MAX_U32, isLoomError } from "@loom/protocol";
import type { ErrorMessage, FrameMessage, HandshakeMessage, HealthOkMessage } from "@loom/protocol";
import { CallQueue } from "./call-queue.ts";
import { FrameReader } from "./frame-reader.ts";
import type { ReplyMessage } from "./frame-reader.ts";
import { FrameWriter } from "./frame-writer.ts";
import { errorFromReply } from "./plugin-errors.ts";
import type { Request, RequestKind, RequestOutcome } from "./request.ts";
import { createRequest, outcomeOf, requestFrame, settleRequest } from "./request.ts";

export interface ConnectionOptions {
  /** Names the process in messages, e.g. `plugin acme-echo (pid 42)`. */
  label: string;
  /** fd 4: frames from the plugin. */
  input: Readable;
  /** fd 3: frames to the plugin. */
  output: Writable;
  /** The largest frame the host accepts (LOOM_PLUGIN_MAX_FRAME_BYTES). */
  maxFrameBytes: number;
  maxQueuedCalls: number;
  cancelGraceMs: number;
  /** Called once when the connection breaks: a protocol error, an id-0 error, a request never answered. */
  onBroken(error: LoomError): void;
  /** The plugin closed its channel (fd 4). */
  onEnd(): void;
}

/** What the connection learns from an accepted handshake. */
export interface ConnectionLimits {
  peerMaxFrameBytes: number;
  maxConcurrentCalls: number;
}

export interface CallOptions {
  /** `performance.now()` at which the host stops waiting. */
  deadlineAt: number;
  /** `performance.now()` when the caller made the call, if it read the clock already (one read less per call). */
  now?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Reports the call's cancellation without a signal (see `onCancel` of @loom/sdk): abandoned as on an abort. */
  cancel?: CancelSource | undefined;
  /** Names the call in messages, e.g. `plugin acme: http.handlers.echo handle()`. */
  what: string;
  /**
   * Hears how the call ended, once, just before its promise settles, whatever ended it (a reply, a
   * deadline, a refusal): so a measurement costs no promise of its own.
   */
  onSettled?: ((outcome: RequestOutcome) => void) | undefined;
}

const REPLIES: Record<RequestKind, readonly FrameMessage["type"][]> = {
  call: ["result", "error"],
  create: ["created", "error"],
  destroy: ["result", "error"],
  health: ["health-ok", "error"],
};

/**
 * One process's protocol v1 channel, host side: the handshake, then requests multiplexed by id
 * (docs/protocol.md, "Ids and multiplexing"). Calls beyond the concurrency cap wait in a bounded queue,
 * and a call that finds it full fails at once with PLUGIN_OVERLOADED. Every frame is validated; a
 * protocol error breaks the connection: every pending request fails with it and `onBroken` is called.
 * An id stays in flight until its reply arrives, even after the host stopped waiting (a deadline or a
 * cancel); a late reply is dropped, one that never comes within `cancelGraceMs` breaks the connection.
 */
export class PluginConnection {
  readonly #options: ConnectionOptions;
  readonly #reader: FrameReader;
  readonly #writer: FrameWriter;
  readonly #pending = new Map<number, Request>();
  readonly #queue: CallQueue;
  #handshake: { resolve(message: HandshakeMessage): void; reject(error: LoomError): void } | undefined;
  readonly handshake: Promise<HandshakeMessage>;
  #nextId = 1;
  /** Requests past their deadline are abandoned (one timer for all: DeadlineSweep). */
  readonly #deadlines = new DeadlineSweep(
    () => performance.now(),
    (now) => {
      let next = Infinity;
      for (const request of [...this.#pending.values(), ...this.#queue.waiting()]) {
        if (!request.waiting) continue;
        if (request.deadlineAt <= now) this.#abandon(request, "deadline");
        else if (request.deadlineAt < next) next = request.deadlineAt;
      }
      return next;
    },
  );
  #refusal: LoomError | undefined;
  #failure: LoomError | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#queue = new CallQueue(options.maxQueuedCalls);
    // Nothing is sent before the handshake; the plugin's maximum is unknown until then.
    this.#writer = new FrameWriter(options.output, options.maxFrameBytes, () => this.#pump());
    this.handshake = new Promise((resolve, reject) => (this.#handshake = { resolve, reject }));
    this.handshake.catch(() => undefined);
    this.#reader = new FrameReader(options.input, options.maxFrameBytes, {
      handshake: (message) => this.#handshake?.resolve(message),
      connectionError: (message, beforeHandshake) => this.#onConnectionError(message, beforeHandshake),
      reply: (message) => this.#onReply(message),
      protocolError: (error, beforeHandshake) => this.#onProtocolError(error, beforeHandshake),
      end: () => {
        if (!this.#failure) options.onEnd();
      },
    });
  }

  /** Calls sent and not yet answered, including those the host stopped waiting for. */
  get inFlight(): number {
    return this.#queue.inFlight;
  }

  get queued(): number {
    return this.#queue.queued;
  }

  /** The error that broke the connection, if any. */
  get failure(): LoomError | undefined {
    return this.#failure;
  }

  /** Starts serving requests after the handshake was accepted. */
  open(limits: ConnectionLimits): void {
    this.#writer.setMaxFrameBytes(limits.peerMaxFrameBytes);
    this.#queue.maxConcurrent = limits.maxConcurrentCalls;
  }

  /** Calls a method of an instance; resolves with its return value. */
  call(instance: string, method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    if (this.#refusal) return refused(options, this.#refusal);
    if (this.#queue.full) {
      return refused(
        options,
        new LoomError(
          ErrorCode.PLUGIN_OVERLOADED,
          `${options.what}: ${this.#options.label} is overloaded: ${this.#queue.inFlight} calls in flight and ${this.#queue.queued} queued, the most it takes`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const now = options.now ?? performance.now();
      const request = createRequest("call", options, now, resolve, reject);
      request.instance = instance;
      request.method = method;
      request.args = args;
      if (!this.#arm(request, options)) return;
      if (this.#queue.open && !this.#writer.blocked) this.#dispatch(request, now);
      else this.#queue.add(request);
    });
  }

  /** Builds an instance of a module; resolves with its instance id. */
  create(module: string, config: unknown, path: string | undefined, options: CallOptions): Promise<string> {
    return this.#request("create", options, (id) => ({ type: "create", id, module, config, ...(path === undefined ? {} : { path }) }))
      .then((message) => (message as { instance: string }).instance);
  }

  /** Forgets an instance. */
  destroy(instance: string, options: CallOptions): Promise<void> {
    return this.#request("destroy", options, (id) => ({ type: "destroy", id, instance })).then(() => undefined);
  }

  /** Asks whether the plugin is alive and serving; refusals (stopping) do not apply. */
  health(options: CallOptions): Promise<HealthOkMessage> {
    return this.#request("health", options, (id) => ({ type: "health", id }), true) as Promise<HealthOkMessage>;
  }

  /** From now on new requests fail with `error` (e.g. PLUGIN_STOPPING); queued calls still go out. */
  refuse(error: LoomError): void {
    this.#refusal ??= error;
  }

  /** Resolves once no call waits in the queue. */
  whenQueueEmpty(): Promise<void> {
    return this.#failure ? Promise.resolve() : this.#queue.whenEmpty();
  }

  /** Sends `shutdown` at once. */
  shutdown(deadlineMs: number): void {
    this.#sendNow({ type: "shutdown", id: 0, deadlineMs });
  }

  /** Sends a connection-level `error` (id 0) at once, best effort. */
  sendError(code: ErrorCode, message: string, data?: unknown): void {
    this.#sendNow({ type: "error", id: 0, code, message, ...(data === undefined ? {} : { data }) });
  }

  /** Fails every pending and queued request with `error`, stops reading and writing. Idempotent. */
  fail(error: LoomError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#refusal ??= error;
    this.#handshake?.reject(error);
    this.#deadlines.stop();
    const requests = [...this.#pending.values(), ...this.#queue.clear()];
    this.#pending.clear();
    for (const request of requests) settleRequest(request, error);
    this.#writer.close();
    this.#reader.stop();
  }

  #request(kind: RequestKind, options: CallOptions, build: Request["build"], always = false): Promise<FrameMessage> {
    if (this.#refusal && !(always && !this.#failure)) return refused(options, this.#refusal) as Promise<FrameMessage>;
    return new Promise((resolve, reject) => {
      const now = performance.now();
      const request = createRequest(kind, options, now, resolve as (value: unknown) => void, reject);
      request.build = build;
      if (this.#arm(request, options)) this.#dispatch(request, now);
    });
  }

  /** Starts a request's deadline and abort listener; false if it already failed. */
  #arm(request: Request, options: CallOptions): boolean {
    if (options.signal?.aborted) {
      settleRequest(request, new LoomError(ErrorCode.CALL_CANCELLED, `${options.what}: cancelled before it was sent`));
      return false;
    }
    this.#deadlines.add(request.deadlineAt);
    if (options.cancel) request.offCancel = options.cancel[onCancel](() => this.#abandon(request, "cancelled"));
    if (options.signal) {
      request.onAbort = () => this.#abandon(request, "cancelled");
      options.signal.addEventListener("abort", request.onAbort, { once: true });
    }
    return true;
  }

  /** Sends a request; `now` is the clock's reading (a call that waited in the queue reads it again). */
  #dispatch(request: Request, now: number): void {
    const id = this.#allocateId();
    // Rounded, not ceiled: with `now` the caller's own reading, deadlineAt - now is the timeout plus float noise.
    const deadlineMs = Math.min(2 ** 31 - 1, Math.max(1, Math.round(request.deadlineAt - now)));
    try {
      // The calls of one event-loop turn share one write (FrameWriter).
      this.#writer.send(requestFrame(request, id, deadlineMs));
    } catch (error) {
      settleRequest(request, isLoomError(error) ? new LoomError(error.code, `${request.what}: ${error.message}`, { cause: error }) : error);
      return;
    }
    // The frame holds the arguments now; the request need not keep them while it waits.
    request.args = undefined;
    request.build = undefined;
    request.id = id;
    this.#pending.set(id, request);
    if (request.kind === "call") this.#queue.sent();
  }

  /** Sends waiting calls while there are free slots and the pipe takes more. */
  #pump(): void {
    while (this.#queue.hasSlot && !this.#writer.blocked && !this.#failure) {
      const next = this.#queue.take();
      if (!next) return;
      this.#dispatch(next, performance.now());
    }
  }

  /** The host stops waiting: a deadline passed or the caller cancelled. The id stays in flight. */
  #abandon(request: Request, reason: "deadline" | "cancelled"): void {
    if (!request.waiting) return;
    const error =
      reason === "deadline"
        ? new LoomError(ErrorCode.PLUGIN_TIMEOUT, `${request.what}: no answer within its deadline of ${request.deadlineMs} ms`)
        : new LoomError(ErrorCode.CALL_CANCELLED, `${request.what}: cancelled by the host`);
    settleRequest(request, error);
    if (request.id === 0) return this.#queue.remove(request);
    if (request.kind === "call") this.#send({ type: "cancel", id: request.id, reason });
    request.timer = setTimeout(() => {
      if (this.#pending.get(request.id) !== request) return;
      this.#break(
        new LoomError(
          ErrorCode.PLUGIN_TIMEOUT,
          `${this.#options.label} did not answer ${request.kind} request ${request.id} within ${this.#options.cancelGraceMs} ms after the host gave up on it; the process counts as hung`,
        ),
      );
    }, this.#options.cancelGraceMs);
    request.timer.unref();
  }

  #allocateId(): number {
    for (let tries = 0; tries <= this.#pending.size; tries++) {
      const id = this.#nextId;
      this.#nextId = id >= MAX_U32 ? 1 : id + 1;
      if (!this.#pending.has(id)) return id;
    }
    throw new LoomError(ErrorCode.INTERNAL, "no free request id");
  }

  #onReply(message: ReplyMessage): void {
    const request = this.#pending.get(message.id);
    if (!request) throw new LoomError(ErrorCode.PROTOCOL_ERROR, `a ${message.type} frame (id ${message.id}) answers no request in flight`);
    if (!REPLIES[request.kind].includes(message.type)) {
      throw new LoomError(ErrorCode.PROTOCOL_ERROR, `a ${message.type} frame (id ${message.id}) cannot answer a ${request.kind} request`);
    }
    this.#pending.delete(message.id);
    if (request.kind === "call") {
      this.#queue.answered();
      this.#pump();
    }
    settleRequest(request, message);
  }

  #onConnectionError(message: ErrorMessage, beforeHandshake: boolean): void {
    if (!beforeHandshake) return this.#break(errorFromReply(message, `${this.#options.label} closed the connection with an error`));
    const error = errorFromReply(message, `${this.#options.label} refused the launch`);
    this.#handshake?.reject(error.code === ErrorCode.PLUGIN_CALL_FAILED ? new LoomError(ErrorCode.HANDSHAKE_FAILED, error.message) : error);
  }

  #onProtocolError(error: LoomError, beforeHandshake: boolean): void {
    if (beforeHandshake) {
      const failed = new LoomError(ErrorCode.HANDSHAKE_FAILED, `${this.#options.label} sent an invalid handshake: ${error.message}`, { cause: error });
      this.sendError(ErrorCode.HANDSHAKE_FAILED, failed.message);
      this.fail(failed);
      return;
    }
    this.sendError(error.code, error.message);
    this.#break(new LoomError(error.code, `${this.#options.label} broke protocol v1, so the connection is closed: ${error.message}`, { cause: error }));
  }

  #break(error: LoomError): void {
    if (this.#failure) return;
    this.fail(error);
    this.#options.onBroken(error);
  }

  #send(message: FrameMessage): void {
    try {
      this.#writer.send(message);
    } catch {
      // Only calls carry values that can fail to encode; control frames always fit.
    }
  }

  #sendNow(message: FrameMessage): void {
    this.#send(message);
    this.#writer.flushNow();
  }
}

/** A request refused before it became one: `onSettled` hears it too. */
function refused(options: CallOptions, error: LoomError): Promise<never> {
  options.onSettled?.(outcomeOf(error));
  return Promise.reject(error);
}
