import { describe, expect, it } from "vitest";
import type { RawFrame } from "./frame-decoder.ts";
import { FrameType } from "./frame-type.ts";
import { isLoomError } from "./loom-error.ts";
import { parseFrameMessage } from "./parse-frame-message.ts";
import type { ParseFrameMessageOptions } from "./parse-frame-message.ts";
import { utf8Encoder } from "./utf8-coders.ts";

const raw = (type: number, id: number, json: string | Uint8Array, binary: number[] = []): RawFrame => ({
  type,
  id,
  json: typeof json === "string" ? utf8Encoder.encode(json) : json,
  binary: new Uint8Array(binary),
});

function problem(frame: RawFrame, options?: ParseFrameMessageOptions): string {
  try {
    parseFrameMessage(frame, options);
  } catch (error) {
    if (isLoomError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error("expected a protocol error");
}

describe("parseFrameMessage", () => {
  it("decodes a call, with its binary references as views of the binary section", () => {
    const frame = raw(FrameType.call, 7, '{"instance":"i1","method":"handle","args":[{"body":{"$bytes":[1,2]}}],"deadlineMs":100}', [9, 8, 7]);
    const message = parseFrameMessage(frame, { from: "host" });
    expect(message).toEqual({ type: "call", id: 7, instance: "i1", method: "handle", args: [{ body: new Uint8Array([8, 7]) }], deadlineMs: 100 });
    const body = (message as unknown as { args: [{ body: Uint8Array }] }).args[0].body;
    expect(body.buffer).toBe(frame.binary.buffer);
  });

  it("takes type and id from the header and ignores unknown fields", () => {
    const message = parseFrameMessage(raw(FrameType.health, 3, '{"type":"call","id":99,"later":{"x":1}}'));
    expect(message).toEqual({ type: "health", id: 3 });
  });

  it("keeps a __proto__ key from JSON as plain data", () => {
    const message = parseFrameMessage(raw(FrameType.result, 1, '{"value":{"__proto__":{"$bytes":[0,1]},"a":1}}', [5]));
    const value = (message as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual(new Uint8Array([5]));
  });

  it("names the frame type, the field and the problem", () => {
    expect(problem(raw(FrameType.call, 7, '{"instance":"i1","method":"","args":"x"}'))).toMatchInlineSnapshot(`
      "PROTOCOL_ERROR: invalid call frame (id 7):
        - method: Too small: expected string to have >=1 characters
        - args: Invalid input: expected array, received string
        - deadlineMs: Invalid input: expected number, received undefined"
    `);
    expect(problem(raw(FrameType.handshake, 0, '{"protocolVersions":[1],"protocolVersion":2,"nonce":"n","plugin":{"name":"p","version":"1"},"capabilities":[],"modules":[{"id":"a","methods":[1]}]}'))).toMatchInlineSnapshot(`
      "PROTOCOL_ERROR: invalid handshake frame (id 0):
        - modules[0].methods[0]: Invalid input: expected string, received number"
    `);
    expect(problem(raw(FrameType.created, 0, '{"instance":"i"}'))).toMatchInlineSnapshot(`
      "PROTOCOL_ERROR: invalid created frame (id 0):
        - id: Too small: expected number to be >=1"
    `);
  });

  it("refuses unknown types, frames from the wrong side, and JSON that is not one UTF-8 object", () => {
    expect(problem(raw(0x2a, 3, "{}"))).toBe("PROTOCOL_ERROR: unknown frame type 0x2a (id 3)");
    expect(problem(raw(FrameType.call, 3, "{}"), { from: "plugin" })).toMatchInlineSnapshot(`
      "PROTOCOL_ERROR: invalid call frame (id 3):
        - only the host sends call frames, and this one came from the plugin"
    `);
    expect(problem(raw(FrameType.health, 1, new Uint8Array([0x7b, 0xff, 0x7d])))).toContain("the JSON section is not valid UTF-8");
    expect(problem(raw(FrameType.health, 1, "\uFEFF{}"))).toContain("the JSON section is not valid JSON");
    expect(problem(raw(FrameType.health, 1, "{"))).toContain("the JSON section is not valid JSON");
    expect(problem(raw(FrameType.health, 1, "[]"))).toContain("the JSON section must be one object holding the message's fields");
    expect(problem(raw(FrameType.health, 1, ""))).toContain("the JSON section is not valid JSON");
  });

  it("refuses malformed and out-of-range $bytes references, with their path", () => {
    const result = (value: string, binary: number[] = []) => problem(raw(FrameType.result, 4, `{"value":${value}}`, binary));
    expect(result('{"a":[0,{"$bytes":[2,2]}]}', [1, 2, 3])).toMatchInlineSnapshot(`
      "PROTOCOL_ERROR: invalid result frame (id 4):
        - value.a[1]: "$bytes" [2, 2] reaches past the 3-byte binary section"
    `);
    expect(result('{"$bytes":[0,0],"x":1}')).toContain('value: an object with "$bytes" must have no other keys');
    expect(result('{"$bytes":[0,-1]}')).toContain('value: "$bytes" must be [offset, length], two non-negative integers');
    expect(result('{"$bytes":"AAEC"}')).toContain('"$bytes" must be [offset, length]');
    expect(parseFrameMessage(raw(FrameType.result, 4, '{"value":{"$bytes":[3,0]}}', [1, 2, 3]))).toEqual({ type: "result", id: 4, value: new Uint8Array(0) });
  });

  it("refuses JSON nested deeper than 128 levels instead of overflowing the stack", () => {
    const deep = `{"value":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    expect(problem(raw(FrameType.result, 1, deep))).toMatch(/^PROTOCOL_ERROR: invalid result frame \(id 1\):\n {2}- value(\[0\]){127}: nested deeper than 128 levels$/);
  });
});
