import { ErrorCode, LoomError } from "@loom/protocol";

export interface AcquireOptions {
  /** `performance.now()` time after which a waiting call gives up (PLUGIN_TIMEOUT). */
  readonly deadlineAt: number;
  readonly timeoutMs: number;
  /** Aborting it takes a waiting call out of the queue (CALL_CANCELLED). */
  readonly signal?: AbortSignal | undefined;
  /** Starts every error message, e.g. `plugin acme: http.handlers.echo handle()`. */
  readonly what: string;
}

interface Waiter {
  readonly grant: () => void;
  readonly refuse: (error: LoomError) => void;
}

/**
 * The concurrency cap of an exec plugin: at most `maxConcurrent` processes at once, then at most
 * `maxQueued` calls waiting in FIFO order. A call that finds both full fails at once with
 * PLUGIN_OVERLOADED, so memory stays bounded however many calls arrive.
 */
export class ExecLimiter {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly #waiting = new Set<Waiter>();
  #running = 0;

  constructor(maxConcurrent: number, maxQueued: number) {
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  /** Calls holding a slot (their process runs or is about to). */
  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.size;
  }

  /** Resolves with the function that frees the slot, once the call may start its process. */
  acquire(options: AcquireOptions): Promise<() => void> {
    if (this.#running < this.maxConcurrent && this.#waiting.size === 0) return Promise.resolve(this.#take());
    if (this.#waiting.size >= this.maxQueued) {
      return Promise.reject(
        new LoomError(
          ErrorCode.PLUGIN_OVERLOADED,
          `${options.what}: ${this.#running} processes run (exec maxConcurrent ${this.maxConcurrent}) and ${this.#waiting.size} calls wait (exec maxQueued ${this.maxQueued}); try again later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const leave = () => {
        this.#waiting.delete(waiter);
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.#take());
        },
        refuse: (error) => {
          leave();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.refuse(new LoomError(ErrorCode.PLUGIN_TIMEOUT, `${options.what}: waited ${options.timeoutMs} ms (exec timeoutMs) for a free process and never started`)),
        Math.max(0, options.deadlineAt - performance.now()),
      );
      const onAbort = () => waiter.refuse(new LoomError(ErrorCode.CALL_CANCELLED, `${options.what}: cancelled by the caller while it waited for a free process`));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.add(waiter);
      if (options.signal?.aborted) onAbort();
    });
  }

  /** Fails every waiting call with `error` (the plugin is stopping). */
  refuseWaiting(error: LoomError): void {
    for (const waiter of [...this.#waiting]) waiter.refuse(error);
  }

  #take(): () => void {
    this.#running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      const next = this.#waiting.values().next();
      if (!next.done) next.value.grant();
    };
  }
}
