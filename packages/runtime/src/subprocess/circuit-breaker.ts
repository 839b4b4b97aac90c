import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";

/**
 * Counts crashes in a sliding window: `maxCrashes` within `windowMs` open the circuit. The supervisor
 * then stops restarting and fails calls at once until `cooldownMs` has passed, tries one half-open
 * start, and closes the circuit (forgets the crashes) when that start succeeds.
 */
export class CircuitBreaker {
  readonly #options: ResolvedSubprocessOptions["circuit"];
  #crashes: number[] = [];
  #openedAt: number | undefined;

  constructor(options: ResolvedSubprocessOptions["circuit"]) {
    this.#options = options;
  }

  /** Records a crash at `now`; returns true when it opens the circuit. */
  recordCrash(now = Date.now()): boolean {
    this.#crashes = this.#crashes.filter((at) => now - at < this.#options.windowMs);
    this.#crashes.push(now);
    if (this.#openedAt === undefined && this.#crashes.length < this.#options.maxCrashes) return false;
    this.#openedAt = now;
    return true;
  }

  /** Crashes within the window, the one just recorded included. */
  recentCrashes(now = Date.now()): number {
    return this.#crashes.filter((at) => now - at < this.#options.windowMs).length;
  }

  get open(): boolean {
    return this.#openedAt !== undefined;
  }

  /** When the open circuit allows a half-open retry (epoch ms), or undefined when closed. */
  get retryAt(): number | undefined {
    return this.#openedAt === undefined ? undefined : this.#openedAt + this.#options.cooldownMs;
  }

  /** A start succeeded: the circuit closes and earlier crashes are forgotten. */
  close(): void {
    this.#openedAt = undefined;
    this.#crashes = [];
  }
}
