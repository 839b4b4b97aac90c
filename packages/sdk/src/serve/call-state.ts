import type { CallInfo } from "./current-call.ts";
import { LazyAbort } from "./lazy-abort.ts";

/**
 * One call in flight in the plugin: its tracking entry, its abort signal (made only when read) and the
 * CallInfo its method sees, in one object - a small call's work in the plugin is mostly allocations.
 */
export class CallState extends LazyAbort implements CallInfo {
  readonly kind = "call";
  /** The deadline timer, cleared by the reply. */
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: number,
    readonly instance: string,
    readonly module: string,
    readonly method: string,
    readonly deadline: number,
  ) {
    super();
  }
}
