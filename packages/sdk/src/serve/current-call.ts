import { AsyncLocalStorage } from "node:async_hooks";

/** The call a served module method is running for (see `currentCall`). */
export interface CallInfo {
  /** The request id of the `call` frame. */
  readonly id: number;
  /** The instance id the plugin gave in `created`. */
  readonly instance: string;
  /** The module ID, e.g. `http.handlers.echo`. */
  readonly module: string;
  /** The method called: one of the namespace's, or a lifecycle step. */
  readonly method: string;
  /**
   * Aborted when the host cancels the call, its deadline passes, its instance is destroyed or the plugin
   * shuts down before it finished. `signal.reason` is a LoomError: CALL_CANCELLED or PLUGIN_TIMEOUT.
   */
  readonly signal: AbortSignal;
  /** When the host stops waiting, in `Date.now()` milliseconds. */
  readonly deadline: number;
}

const store = new AsyncLocalStorage<CallInfo>();

/**
 * The protocol call the calling code runs for, or undefined outside one (and always in a bundled plugin).
 * A module method reads it for per-call cancellation in namespaces whose interface has no signal of its
 * own (an `http.handlers` module uses `call.signal` instead): `currentCall()?.signal`. It follows async
 * work the method started (AsyncLocalStorage), so read it anywhere below the method.
 */
export function currentCall(): CallInfo | undefined {
  return store.getStore();
}

const applyMethod = (method: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown => method.apply(self, args);

/** Calls `method` on `self` with `args`, with `info` as the current call (no closure made per call). */
export function runInCall(info: CallInfo, method: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  return store.run(info, applyMethod, method, self, args);
}
