import { ErrorCode, isLoomError } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { errorFromReply } from "./plugin-errors.ts";

/** How a request ended, for measurements: "ok", or the code of the error it failed with. */
export type RequestOutcome = "ok" | ErrorCode;

/** The outcome of a request that failed with `error`. */
export const outcomeOf = (error: unknown): RequestOutcome => (isLoomError(error) ? error.code : ErrorCode.INTERNAL);

export type RequestKind = "call" | "create" | "destroy" | "health";

/**
 * One request of a connection, from the caller's promise to its reply. A call keeps its target and
 * arguments as fields, so a call costs one object and no closures; other kinds build their frame with
 * `build`.
 */
export interface Request {
  readonly kind: RequestKind;
  /** The request id once sent; 0 while queued. */
  id: number;
  /** Names the request in messages. */
  readonly what: string;
  readonly deadlineAt: number;
  /** The deadline as the caller gave it, for messages. */
  readonly deadlineMs: number;
  /** True while the caller waits; false once settled (a late reply is then dropped). */
  waiting: boolean;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Removes the listener of the call's CancelSource, if it has one. */
  offCancel: (() => void) | undefined;
  /** A call's target and arguments until it is sent (the frame holds them then). */
  instance: string;
  method: string;
  args: unknown[] | undefined;
  /** Builds the frame of a request that is not a call, once the id and the time left are known. */
  build: ((id: number, deadlineMs: number) => FrameMessage) | undefined;
  /** Called once as the request settles, before the caller's promise is (a measurement, say). */
  readonly onSettled: ((outcome: RequestOutcome) => void) | undefined;
  /** Settles the caller's promise: a call with the reply's `value`, another kind with the reply itself. */
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export function createRequest(
  kind: RequestKind,
  options: { deadlineAt: number; signal?: AbortSignal | undefined; what: string; onSettled?: ((outcome: RequestOutcome) => void) | undefined },
  now: number,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): Request {
  return {
    kind,
    id: 0,
    what: options.what,
    deadlineAt: options.deadlineAt,
    deadlineMs: Math.max(1, Math.round(options.deadlineAt - now)),
    waiting: true,
    timer: undefined,
    signal: options.signal,
    onAbort: undefined,
    offCancel: undefined,
    instance: "",
    method: "",
    args: undefined,
    build: undefined,
    onSettled: options.onSettled,
    resolve,
    reject,
  };
}

/** The frame of a request, once the id and the time left are known. */
export function requestFrame(request: Request, id: number, deadlineMs: number): FrameMessage {
  if (request.kind === "call") return { type: "call", id, instance: request.instance, method: request.method, args: request.args!, deadlineMs };
  return request.build!(id, deadlineMs);
}

/**
 * Ends a request with a reply or an error: clears its timer and listener; no-op once settled. An `error`
 * reply rejects with the plugin's error; a call resolves with the reply's `value`, another kind with the
 * reply message. `onSettled` hears the outcome first.
 */
export function settleRequest(request: Request, outcome: FrameMessage | Error | unknown): void {
  if (request.timer) clearTimeout(request.timer);
  request.timer = undefined;
  if (!request.waiting) return;
  request.waiting = false;
  if (request.onAbort) request.signal?.removeEventListener("abort", request.onAbort);
  request.onAbort = undefined;
  if (request.offCancel) request.offCancel();
  request.offCancel = undefined;
  if (!isMessage(outcome)) return fail(request, outcome);
  if (outcome.type === "error") return fail(request, errorFromReply(outcome, request.what));
  request.onSettled?.("ok");
  request.resolve(request.kind === "call" ? (outcome as { value?: unknown }).value : outcome);
}

function fail(request: Request, error: unknown): void {
  request.onSettled?.(outcomeOf(error));
  request.reject(error);
}

function isMessage(value: unknown): value is FrameMessage {
  return typeof value === "object" && value !== null && !(value instanceof Error) && typeof (value as { type?: unknown }).type === "string";
}
