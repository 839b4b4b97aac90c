import { onCancel } from "@loom/sdk";
import type { CancelSource } from "@loom/sdk";

/**
 * An AbortSignal aborted when `source` reports its cancellation, for code that takes a signal (an exec
 * run: next to a process per call, the signal's cost is nothing). `dispose` stops listening.
 */
export function abortOnCancel(source: CancelSource): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = source[onCancel](() => controller.abort());
  return { signal: controller.signal, dispose };
}
