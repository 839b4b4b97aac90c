import type { ErrorCode } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import { LatencyHistogram } from "./latency-histogram.ts";
import type { LatencySummary } from "./latency-histogram.ts";
import type { SupervisorState } from "./supervisor-state.ts";

/**
 * What a metrics layer can subscribe to (the gateway maps these to prom-client). A `call` is one method
 * call or one lifecycle step (provision, validate, start, stop, cleanup) in one process; `create` and
 * `destroy` are not calls. `latencyMs` is the call's duration as the host sees it.
 */
export type PluginEvent =
  | { type: "call"; plugin: string; module: string; method: string; latencyMs: number; outcome: "ok" | ErrorCode }
  | { type: "state"; plugin: string; slot: number; pid: number | undefined; from: SupervisorState; to: SupervisorState; reason?: string | undefined }
  | { type: "restart"; plugin: string; slot: number; attempt: number; delayMs: number }
  | { type: "dropped-lines"; plugin: string; slot: number; pid: number | undefined; count: number };

export type PluginEventListener = (event: PluginEvent) => void;

/** One process slot of a plugin, as `plugins list` shows it. */
export interface PluginProcessStats {
  readonly slot: number;
  readonly state: SupervisorState;
  readonly pid: number | undefined;
  readonly inFlight: number;
  readonly queued: number;
  /** Epoch ms of the current process's start. */
  readonly startedAt: number | undefined;
}

/** A snapshot of one out-of-tree plugin (a subprocess pool, or an exec plugin's one slot), for `/metrics` and `plugins list`. */
export interface PluginStats {
  readonly plugin: string;
  readonly placement: "subprocess" | "exec";
  readonly version: string | undefined;
  /** The best state among the slots: ready if any is, then starting, backoff, crashed, failed, stopped. */
  readonly state: SupervisorState;
  readonly pids: number[];
  readonly processes: PluginProcessStats[];
  readonly restarts: number;
  readonly crashes: number;
  readonly calls: number;
  readonly errors: number;
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly latencyMs: LatencySummary;
  readonly droppedLogLines: number;
}

/** Counters, a latency histogram and event listeners of one plugin; memory stays constant. */
export class PluginStatsRecorder {
  readonly #histogram = new LatencyHistogram();
  readonly #listeners = new Set<PluginEventListener>();
  readonly #errorsByCode: Record<string, number> = {};
  readonly #logger: Logger;
  calls = 0;
  errors = 0;
  restarts = 0;
  crashes = 0;
  droppedLogLines = 0;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: PluginEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records one finished call (a method or a lifecycle step). Its event object is built only when a
   * listener is subscribed, so an unobserved call allocates nothing here.
   */
  recordCall(plugin: string, module: string, method: string, latencyMs: number, outcome: "ok" | ErrorCode): void {
    this.#countCall(latencyMs, outcome);
    if (this.#listeners.size > 0) this.#notify({ type: "call", plugin, module, method, latencyMs, outcome });
  }

  /** Records a process event (calls go through recordCall) and passes it to the listeners. */
  emit(event: Exclude<PluginEvent, { type: "call" }>): void {
    switch (event.type) {
      case "state":
        if (event.to === "crashed") this.crashes++;
        break;
      case "restart":
        this.restarts++;
        break;
      case "dropped-lines":
        this.droppedLogLines += event.count;
        break;
    }
    this.#notify(event);
  }

  #countCall(latencyMs: number, outcome: "ok" | ErrorCode): void {
    this.calls++;
    this.#histogram.record(latencyMs);
    if (outcome !== "ok") {
      this.errors++;
      this.#errorsByCode[outcome] = (this.#errorsByCode[outcome] ?? 0) + 1;
    }
  }

  #notify(event: PluginEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.warn({ err: error, event: event.type }, "a plugin event listener threw");
      }
    }
  }

  /** The plugin's stats now, given its process slots. */
  snapshot(plugin: string, version: string | undefined, processes: PluginProcessStats[], placement: PluginStats["placement"] = "subprocess"): PluginStats {
    return {
      plugin,
      placement,
      version,
      state: summarizeState(processes.map((p) => p.state)),
      pids: processes.flatMap((p) => (p.pid !== undefined && p.state === "ready" ? [p.pid] : [])),
      processes,
      restarts: this.restarts,
      crashes: this.crashes,
      calls: this.calls,
      errors: this.errors,
      errorsByCode: { ...this.#errorsByCode },
      latencyMs: this.#histogram.summary(),
      droppedLogLines: this.droppedLogLines,
    };
  }
}

/** Best first: a plugin shows the state of its best slot. */
const STATE_ORDER: readonly SupervisorState[] = ["ready", "draining", "starting", "backoff", "crashed", "stopping", "failed", "stopped", "idle"];

/** The state of a pool: its best slot's. */
export function summarizeState(states: readonly SupervisorState[]): SupervisorState {
  for (const state of STATE_ORDER) if (states.includes(state)) return state;
  return "idle";
}
