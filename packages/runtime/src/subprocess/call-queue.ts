import type { Request } from "./request.ts";

/**
 * The concurrency cap of one connection: at most `maxConcurrent` calls in flight (the plugin's
 * maxConcurrentCalls, or the host's, whichever is lower), then at most `maxQueued` waiting in FIFO
 * order. Memory is bounded: a call that finds both full is refused (PLUGIN_OVERLOADED).
 */
export class CallQueue {
  readonly maxQueued: number;
  maxConcurrent = 1;
  readonly #waiting = new Set<Request>();
  readonly #idleWaiters: (() => void)[] = [];
  #inFlight = 0;

  constructor(maxQueued: number) {
    this.maxQueued = maxQueued;
  }

  /** Calls sent and not yet answered, including those the host stopped waiting for. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#waiting.size;
  }

  /** True when a new call finds no free slot and no room to wait. */
  get full(): boolean {
    return this.#inFlight >= this.maxConcurrent && this.#waiting.size >= this.maxQueued;
  }

  /** True when a call may be sent now without overtaking waiting ones. */
  get open(): boolean {
    return this.#inFlight < this.maxConcurrent && this.#waiting.size === 0;
  }

  get hasSlot(): boolean {
    return this.#inFlight < this.maxConcurrent;
  }

  /** The waiting requests, in order (a copy). */
  waiting(): Request[] {
    return [...this.#waiting];
  }

  add(request: Request): void {
    this.#waiting.add(request);
  }

  /** Takes a waiting call out (its deadline passed or it was cancelled). */
  remove(request: Request): void {
    if (this.#waiting.delete(request)) this.#wakeIfEmpty();
  }

  /** The oldest waiting call, taken out of the queue. */
  take(): Request | undefined {
    const next = this.#waiting.values().next();
    if (next.done) return undefined;
    this.#waiting.delete(next.value);
    this.#wakeIfEmpty();
    return next.value;
  }

  sent(): void {
    this.#inFlight++;
  }

  answered(): void {
    this.#inFlight--;
  }

  /** Resolves once no call waits. */
  whenEmpty(): Promise<void> {
    if (this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Empties the queue (the connection failed); returns the calls that were waiting. */
  clear(): Request[] {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    this.#inFlight = 0;
    this.#wakeIfEmpty();
    return waiting;
  }

  #wakeIfEmpty(): void {
    if (this.#waiting.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
