/**
 * An AbortSignal made only when someone asks for it. A Node 20 AbortController costs about 5 µs, more
 * than the rest of a small call's work in the plugin, and most calls are never aborted nor read their
 * signal. `abort` before the first read remembers the reason; the signal read later is already aborted.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
