import { describe, expect, it } from "vitest";
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

  it("refuses a callback with a message that says why", () => {
    expect(() => toWireArgs([{}, () => undefined], "http.middleware.x handle()")).toThrow(
      "http.middleware.x handle(): argument 1 is a function, and protocol v1 cannot pass callbacks to a subprocess plugin; run this module bundled instead",
    );
  });
});
