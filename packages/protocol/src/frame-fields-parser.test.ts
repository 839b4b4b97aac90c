import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import { frameFieldsParser } from "./frame-fields-parser.ts";
import { MAX_U32 } from "./frame-layout.ts";
import { FRAME_MESSAGE_TYPES, frameMessageSchema } from "./frame-message.ts";

const idSchemaOf = (type: (typeof FRAME_MESSAGE_TYPES)[number]) => (frameMessageSchema(type) as unknown as z.ZodMiniObject<{ id: z.ZodMiniType }>).def.shape.id;

describe("frameFieldsParser", () => {
  it("accepts exactly the header ids its message schema accepts, for every type and any u32", () => {
    const ids = fc.oneof(fc.constantFrom(0, 1, 2, MAX_U32 - 1, MAX_U32), fc.integer({ min: 0, max: MAX_U32 }));
    fc.assert(
      fc.property(fc.constantFrom(...FRAME_MESSAGE_TYPES), ids, (type, id) => {
        expect(frameFieldsParser(type).acceptsId(id)).toBe(idSchemaOf(type).safeParse(id).success);
      }),
    );
  });

  it("checks the fields of the message schema without type and id; the handshake, with a check across fields, is parsed whole", () => {
    expect(frameFieldsParser("handshake").fields).toBeUndefined();
    const call = frameFieldsParser("call").fields!;
    expect(Object.keys(call.def.shape)).toEqual(["instance", "method", "args", "deadlineMs"]);
    expect(call.safeParse({ instance: "i", method: "m", args: [], deadlineMs: 1, type: "x", id: -1 }).data).toEqual({ instance: "i", method: "m", args: [], deadlineMs: 1 });
    expect(call.safeParse({ instance: "i", method: "", args: [], deadlineMs: 0 }).error?.issues.map((issue) => issue.path.join("."))).toEqual(["method", "deadlineMs"]);
  });
});
