import type { CallInfo } from "./current-call.ts";

/**
 * How `serve` runs the modules of one namespace over protocol v1. A module's methods are the methods of
 * its namespace's interface, not something a module definition lists, so `serve` announces them from this
 * table before any instance exists (docs/protocol.md: `modules[].methods`).
 */
export interface ServedNamespace {
  /** The methods of the namespace's interface; the lifecycle methods are implied. */
  readonly methods: readonly string[];
  /**
   * Turns the values the host sent into the method's arguments, e.g. appends a per-call object that
   * cannot travel (an AbortSignal). Default: the values as they came.
   */
  readonly toArgs?: (method: string, args: unknown[], call: CallInfo) => unknown[];
  /** Turns what the method returned into a value protocol v1 carries. Default: unchanged. */
  readonly toValue?: (method: string, value: unknown, call: CallInfo) => unknown;
}

/** A namespace `serve` knows and cannot serve in protocol v1, with the reason. */
export interface UnservableNamespace {
  readonly unservable: string;
}
