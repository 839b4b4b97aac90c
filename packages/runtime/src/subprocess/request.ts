import type { FrameMessage } from "@loom/protocol";

export type RequestKind = "call" | "create" | "destroy" | "health";

/** One request of a connection, from the caller's promise to its reply. */
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
  /** Builds the frame once the id and the time left are known. */
  build: ((id: number, deadlineMs: number) => FrameMessage) | undefined;
  readonly onReply: (message: FrameMessage) => void;
  readonly onError: (error: unknown) => void;
}

export function createRequest(
  kind: RequestKind,
  options: { deadlineAt: number; signal?: AbortSignal | undefined; what: string },
  onReply: (message: FrameMessage) => void,
  onError: (error: unknown) => void,
): Request {
  return {
    kind,
    id: 0,
    what: options.what,
    deadlineAt: options.deadlineAt,
    deadlineMs: Math.max(1, Math.round(options.deadlineAt - performance.now())),
    waiting: true,
    timer: undefined,
    signal: options.signal,
    onAbort: undefined,
    build: undefined,
    onReply,
    onError,
  };
}

/** Ends a request with a reply or an error: clears its timer and listener; no-op once settled. */
export function settleRequest(request: Request, outcome: FrameMessage | Error | unknown): void {
  if (request.timer) clearTimeout(request.timer);
  request.timer = undefined;
  if (!request.waiting) return;
  request.waiting = false;
  if (request.onAbort) request.signal?.removeEventListener("abort", request.onAbort);
  request.onAbort = undefined;
  if (isMessage(outcome)) request.onReply(outcome);
  else request.onError(outcome);
}

function isMessage(value: unknown): value is FrameMessage {
  return typeof value === "object" && value !== null && !(value instanceof Error) && typeof (value as { type?: unknown }).type === "string";
}
