import { onCancel } from "@loom/sdk";
import { describe, expect, it } from "vitest";
import { abortOnCancel } from "./abort-on-cancel.ts";

/** A CancelSource whose listeners the test calls. */
function source() {
  const listeners = new Set<() => void>();
  return { listeners, [onCancel]: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)) };
}

describe("abortOnCancel", () => {
  it("aborts its signal when the source reports a cancellation, and stops listening once disposed", () => {
    const cancel = source();
    const made = abortOnCancel(cancel);
    expect([made.signal.aborted, cancel.listeners.size]).toEqual([false, 1]);
    for (const listener of cancel.listeners) listener();
    expect(made.signal.aborted).toBe(true);
    made.dispose();
    expect(cancel.listeners.size).toBe(0);
  });

  it("aborts when the caller's own signal does too, aborted already or later", () => {
    const caller = new AbortController();
    const made = abortOnCancel(source(), caller.signal);
    caller.abort();
    expect(made.signal.aborted).toBe(true);
    expect(abortOnCancel(source(), AbortSignal.abort()).signal.aborted).toBe(true);
  });
});
