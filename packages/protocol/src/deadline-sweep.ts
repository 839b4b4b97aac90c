/** The timer functions every JavaScript runtime has; @loom/protocol is typed without Node's or the DOM's. */
interface Timer {
  unref?(): void;
}
const timers = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
};

/**
 * One timer for the deadlines of many requests, for either end of a connection. A timer per request
 * cost more than the rest of a small call's bookkeeping (with one call in flight, Node builds and drops
 * its timer list for that duration every time); here a request's deadline arms the timer only when it is
 * the earliest, and when the timer fires `sweep` ends every request past its deadline and returns the
 * earliest deadline left (Infinity: none). Deadlines are in the units of `now`. The timer does not keep
 * the process alive (the connection does).
 */
export class DeadlineSweep {
  readonly #now: () => number;
  readonly #sweep: (now: number) => number;
  #timer: Timer | undefined;
  #armedFor = Infinity;

  constructor(now: () => number, sweep: (now: number) => number) {
    this.#now = now;
    this.#sweep = sweep;
  }

  /** A request with this deadline is now waiting. */
  add(deadline: number): void {
    if (deadline >= this.#armedFor) return;
    if (this.#timer !== undefined) timers.clearTimeout(this.#timer);
    this.#arm(deadline);
  }

  /** Drops the timer (the connection is gone). */
  stop(): void {
    if (this.#timer !== undefined) timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #arm(deadline: number): void {
    this.#armedFor = deadline;
    const delay = Math.min(2 ** 31 - 1, Math.max(1, Math.ceil(deadline - this.#now())));
    const timer = timers.setTimeout(this.#fire, delay);
    timer.unref?.();
    this.#timer = timer;
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const next = this.#sweep(this.#now());
    if (next !== Infinity) this.#arm(next);
  };
}
