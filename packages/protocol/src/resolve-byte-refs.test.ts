import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "./frame-layout.ts";
import { resolveByteRefs, resolveByteRefsWithPath } from "./resolve-byte-refs.ts";

const binary = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

/** `$bytes` references, good and bad: in range, past the end, negative, not integers, extra keys, not a pair. */
const ref = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })).map(([offset, length]) => ({ $bytes: [offset, length] })),
  fc.constantFrom<unknown>({ $bytes: [0, -1] }, { $bytes: [1.5, 1] }, { $bytes: [0, 1], x: 1 }, { $bytes: [0] }, { $bytes: "AAEC" }, { $bytes: [2 ** 53, 1] }),
);
/** JSON values (as JSON.parse makes them) with references anywhere, a "__proto__" key now and then. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 1 }), ref, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 3 }), fc.constant("__proto__")), tie("value"), { maxKeys: 4 }),
}));
const asParsed = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("resolveByteRefs", () => {
  it("resolves and refuses exactly as the walk that keeps paths, with the same path and problem", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        expect(resolveByteRefs(JSON.parse(text), binary)).toEqual(resolveByteRefsWithPath(JSON.parse(text), binary));
      }),
      { numRuns: 2_000 },
    );
  });

  it("hands back views of the binary section and refuses nesting past MAX_JSON_DEPTH", () => {
    const resolved = resolveByteRefs(asParsed({ a: [{ $bytes: [2, 3] }] }), binary);
    expect(resolved).toEqual({ ok: true, value: { a: [new Uint8Array([3, 4, 5])] } });
    expect(((resolved as { value: { a: Uint8Array[] } }).value.a[0]!).buffer).toBe(binary.buffer);
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
    expect(resolveByteRefs(deep, binary)).toMatchObject({ ok: false, problem: `nested deeper than ${MAX_JSON_DEPTH} levels` });
  });
});
