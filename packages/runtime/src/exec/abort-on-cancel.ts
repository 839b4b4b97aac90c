import { onCancel } from "@loom/sdk";
import type { CancelSource } from "@loom/sdk";

/**
 * An AbortSignal aborted when `source` reports its cancellation or `signal` (if any) aborts, for code
 * that takes one signal (an exec run: next to a process per call, the signal's cost is nothing).
 * `dispose` stops listening to both.
 */
export function abortOnCancel(source: CancelSource, signal?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const off = source[onCancel](abort);
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      off();
      signal?.removeEventListener("abort", abort);
    },
  };
}
