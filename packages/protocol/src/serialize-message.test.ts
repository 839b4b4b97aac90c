import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FrameMessage } from "./frame-message.ts";
import { jsonOf, serializeMessage } from "./serialize-message.ts";

/** What the generic path writes: JSON.stringify of every field but `type` and `id`. */
function genericText(message: FrameMessage): string {
  const { type: _type, id: _id, ...fields } = message;
  return JSON.stringify(fields);
}

/** JSON values and the things JSON.stringify treats specially (undefined, functions, toJSON). */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.date({ noInvalidDate: true }),
  fc.array(fc.oneof(fc.constant(undefined), fc.string(), fc.double())),
  fc.dictionary(fc.string().filter((k) => k !== "$bytes"), fc.oneof(fc.constant(undefined), fc.integer(), fc.string())),
);

describe("serializeMessage", () => {
  it("writes call and result frames as JSON.stringify of their fields would", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(jsonish), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (instance, method, args, deadlineMs) => {
        const call: FrameMessage = { type: "call", id: 7, instance, method, args, deadlineMs };
        expect(JSON.parse(jsonOf(serializeMessage(call)))).toEqual(JSON.parse(genericText(call)));
      }),
    );
    fc.assert(
      fc.property(jsonish, (value) => {
        const result: FrameMessage = { type: "result", id: 7, value };
        expect(JSON.parse(jsonOf(serializeMessage(result)))).toEqual(JSON.parse(genericText(result)));
      }),
    );
  });

  it("leaves out a result value JSON cannot carry, as JSON.stringify does", () => {
    expect(jsonOf(serializeMessage({ type: "result", id: 1 }))).toBe("{}");
    expect(jsonOf(serializeMessage({ type: "result", id: 1, value: () => 1 }))).toBe("{}");
    expect(jsonOf(serializeMessage({ type: "result", id: 1, value: null }))).toBe(`{"value":null}`);
  });

  it("names the place in a call's args that protocol v1 cannot carry", () => {
    const call = (args: unknown[]): FrameMessage => ({ type: "call", id: 3, instance: "i1", method: "m", args, deadlineMs: 5 });
    expect(() => serializeMessage(call([1, { body: new Uint16Array(2) }]))).toThrow("cannot encode args[1].body: a Uint16Array; binary data travels as a Uint8Array");
    expect(() => serializeMessage(call([{ $bytes: [0, 1] }]))).toThrow('cannot encode args[0]: the key "$bytes" is reserved for binary references');
  });

  it("sends bytes in a call or result through the binary section", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const serialized = serializeMessage({ type: "call", id: 2, instance: "i1", method: "m", args: [bytes], deadlineMs: 5 });
    expect(jsonOf(serialized)).toBe(`{"instance":"i1","method":"m","args":[{"$bytes":[0,3]}],"deadlineMs":5}`);
    expect([serialized.parts, serialized.binaryLength]).toEqual([[bytes], 3]);
  });
});
