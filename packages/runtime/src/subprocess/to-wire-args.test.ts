import { describe, expect, it } from "vitest";
import { onCancel } from "@loom/sdk";
import { toWireArgs } from "./to-wire-args.ts";

describe("toWireArgs", () => {
  it("takes an AbortSignal out of the arguments (HttpCall's signal) and keeps the rest as is", () => {
    const signal = new AbortController().signal;
    const request = { url: "/", body: new Uint8Array([1]) };
    const wire = toWireArgs([request, { signal, other: 1 }], "m handle()");
    expect(wire.signal).toBe(signal);
    expect(wire.args).toEqual([request, { other: 1 }]);
    expect(wire.args[0]).toBe(request);
    expect(toWireArgs([signal], "m x()")).toEqual({ args: [null], signal });
  });

  it("takes the signal a class instance makes in a getter (the gateway's HttpCall), leaving the instance as it is", () => {
    const controller = new AbortController();
    let reads = 0;
    class LazyCall {
      get signal(): AbortSignal {
        reads++;
        return controller.signal;
      }
    }
    const call = new LazyCall();
    const wire = toWireArgs([{ url: "/" }, call], "http.handlers.x handle()");
    expect(wire.signal).toBe(controller.signal);
    expect(wire.args[1]).toBe(call);
    expect(reads).toBe(1);
    expect(toWireArgs([new Date(0), new Uint8Array([1])], "m x()").signal).toBeUndefined();
  });

  it("listens to an argument with onCancel rather than reading its signal, which it would make for this call alone", () => {
    let reads = 0;
    class CancellableCall {
      get signal(): AbortSignal {
        reads++;
        return new AbortController().signal;
      }
      [onCancel](_listener: () => void): () => void {
        return () => undefined;
      }
    }
    const call = new CancellableCall();
    const wire = toWireArgs([{ url: "/" }, call], "http.handlers.x handle()");
    expect(wire.cancel).toBe(call);
    expect(wire.signal).toBeUndefined();
    expect(wire.args[1]).toBe(call);
    expect(reads).toBe(0);
  });

  it("refuses a callback with a message that says why", () => {
    expect(() => toWireArgs([{}, () => undefined], "http.middleware.x handle()")).toThrow(
      "http.middleware.x handle(): argument 1 is a function, and protocol v1 cannot pass callbacks to a subprocess plugin; run this module bundled instead",
    );
  });
});
