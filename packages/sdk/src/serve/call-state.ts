import type { CallInfo } from "./current-call.ts";
import { LazyAbort } from "./lazy-abort.ts";

/**
 * One call in flight in the plugin: its tracking entry, its abort signal (made only when read) and the
 * CallInfo its method sees, in one object - a small call's work in the plugin is mostly allocations.
 */
export class CallState extends LazyAbort implements CallInfo {
  readonly kind = "call";

  constructor(
    readonly id: number,
    readonly instance: string,
    readonly module: string,
    readonly method: string,
    /** The call's `deadlineMs`, as the host sent it. */
    readonly deadlineMs: number,
    readonly deadline: number = Date.now() + deadlineMs,
  ) {
    super();
  }
}
