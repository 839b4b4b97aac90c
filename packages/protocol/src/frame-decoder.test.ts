import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "./encode-frame.ts";
import { FrameBatch } from "./frame-batch.ts";
import type { RawFrame } from "./frame-decoder.ts";
import { FrameDecoder } from "./frame-decoder.ts";
import { DEFAULT_MAX_FRAME_BYTES, MAX_U32 } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { isLoomError } from "./loom-error.ts";
import { parseFrameMessage } from "./parse-frame-message.ts";
import { utf8Encoder } from "./utf8-coders.ts";

const utf8 = utf8Encoder;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Hand-built frame bytes, for frames the encoder would never write. */
function frameBytes(fields: { length?: number; type: number; id: number; jsonLength?: number; json: Uint8Array; binary?: Uint8Array }): Uint8Array {
  const binary = fields.binary ?? new Uint8Array(0);
  const out = new Uint8Array(13 + fields.json.length + binary.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, fields.length ?? 9 + fields.json.length + binary.length);
  view.setUint8(4, fields.type);
  view.setUint32(5, fields.id);
  view.setUint32(9, fields.jsonLength ?? fields.json.length);
  out.set(fields.json, 13);
  out.set(binary, 13 + fields.json.length);
  return out;
}

/** Chunks of `bytes` (views with non-zero offsets, to catch offset bugs): single bytes, or cut at positions. */
function split(bytes: Uint8Array, cuts: readonly number[] | "bytes"): Uint8Array[] {
  if (cuts === "bytes") return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

function decodeChunks(chunks: readonly Uint8Array[], decoder = new FrameDecoder()): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const chunk of chunks) decoder.push(chunk, (frame) => frames.push(frame));
  decoder.end();
  return frames;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const isProtocolError = (error: unknown) => isLoomError(error) && (error.code === "PROTOCOL_ERROR" || error.code === "FRAME_TOO_LARGE");

// ---- arbitraries ----------------------------------------------------------------------------------

const key = fc.string({ maxLength: 8 }).filter((k) => k !== "$bytes" && k !== "__proto__");
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: "small" },
    fc.string({ unit: "binary", maxLength: 16 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (d === 0 ? 0 : d)),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const requestId = fc.integer({ min: 1, max: MAX_U32 });
const text = fc.string({ minLength: 1, maxLength: 12 });
const ms = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const record = <T>(shape: { [K in keyof T]: fc.Arbitrary<T[K]> }, required: (keyof T)[]) =>
  fc.record(shape, { requiredKeys: required }) as unknown as fc.Arbitrary<FrameMessage>;

const message: fc.Arbitrary<FrameMessage> = fc.oneof(
  fc
    .record({
      versions: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
      nonce: text,
      plugin: fc.record({ name: text, version: text }),
      capabilities: fc.array(text, { maxLength: 2 }),
      modules: fc.array(fc.record({ id: text, methods: fc.array(text, { maxLength: 2 }) }), { maxLength: 2 }),
    })
    .map(({ versions, ...rest }): FrameMessage => ({ type: "handshake", id: 0, protocolVersions: versions, protocolVersion: versions[0]!, ...rest })),
  record({ type: fc.constant("error"), id: fc.integer({ min: 0, max: MAX_U32 }), code: text, message: fc.string(), data: value }, ["type", "id", "code", "message"]),
  record({ type: fc.constant("shutdown"), id: fc.constant(0), deadlineMs: ms }, ["type", "id", "deadlineMs"]),
  record({ type: fc.constant("health"), id: requestId }, ["type", "id"]),
  record({ type: fc.constant("health-ok"), id: requestId, inFlight: fc.nat() }, ["type", "id"]),
  record({ type: fc.constant("create"), id: requestId, module: text, config: value, path: fc.string() }, ["type", "id", "module", "config"]),
  record({ type: fc.constant("created"), id: requestId, instance: text }, ["type", "id", "instance"]),
  record({ type: fc.constant("destroy"), id: requestId, instance: text }, ["type", "id", "instance"]),
  record(
    { type: fc.constant("call"), id: requestId, instance: text, method: text, args: fc.array(value, { maxLength: 3 }), deadlineMs: ms },
    ["type", "id", "instance", "method", "args", "deadlineMs"],
  ),
  record({ type: fc.constant("result"), id: requestId, value }, ["type", "id"]),
  record({ type: fc.constant("cancel"), id: requestId, reason: fc.string() }, ["type", "id"]),
);

const cuts = fc.oneof(fc.constant("bytes" as const), fc.array(fc.nat(), { maxLength: 12 }));

/** Byte strings shaped like frames more or less: real headers over broken or mismatched contents. */
const jsonish = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => utf8.encode(JSON.stringify(v) ?? "")),
  fc
    .dictionary(
      fc.constantFrom("$bytes", "value", "args", "instance", "method", "deadlineMs", "code", "message", "type", "id"),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.tuple(fc.nat(40), fc.nat(40)), fc.record({ $bytes: fc.tuple(fc.nat(40), fc.nat(40)) })),
    )
    .map((v) => utf8.encode(JSON.stringify(v))),
);
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .record({ type: fc.nat(15), id: fc.oneof(fc.constant(0), requestId), json: jsonish, binary: fc.uint8Array({ maxLength: 40 }), skew: fc.integer({ min: -12, max: 12 }) })
    .map(({ skew, ...f }) => frameBytes({ ...f, length: Math.max(0, 9 + f.json.length + f.binary.length + (skew > 8 ? skew : 0)), jsonLength: Math.max(0, f.json.length + (skew < -8 ? -skew : 0)) })),
  fc.tuple(message, fc.nat(15)).map(([m, type]) => {
    const frame = encodeFrame(m);
    frame[4] = type;
    return frame;
  }),
);

// ---- tests ----------------------------------------------------------------------------------------

describe("FrameDecoder", () => {
  it("hands out a frame inside one chunk as a view of it, and copies a split frame once, sized to it", () => {
    const frame = encodeFrame({ type: "result", id: 1, value: new Uint8Array([1, 2, 3]) });
    const chunk = concat([frame, frame]);
    const [a, b] = decodeChunks([chunk]);
    expect(a!.json.buffer).toBe(chunk.buffer);
    expect(b!.binary.buffer).toBe(chunk.buffer);
    const [c] = decodeChunks(split(frame, [2, 20]));
    expect(c!.json.buffer).not.toBe(frame.buffer);
    // The frame's bytes, plus up to 15 in front of them to copy them aligned (the next test).
    // (json starts 9 bytes into the frame, after type, id and jsonLength.)
    const pad = c!.json.byteOffset - 9;
    expect(c!.json.buffer.byteLength - (frame.length - 4)).toBe(pad);
    expect(pad).toBeLessThan(16);
    expect(parseFrameMessage(c!)).toEqual(parseFrameMessage(a!));
  });

  it("copies a split frame to where it sits as far into a 16-byte line as its first part did in its chunk", () => {
    const payload = new Uint8Array(5000).map((_, i) => i % 253);
    const frame = encodeFrame({ type: "result", id: 2, value: payload });
    const health = encodeFrame({ type: "health", id: 1 });
    for (let offset = 0; offset < 16; offset++) {
      for (const lead of [new Uint8Array(0), health]) {
        // A chunk `offset` bytes into its buffer: maybe a whole frame, then the split frame's first 3000 bytes.
        const stream = concat([lead, frame]);
        const backing = new Uint8Array(offset + stream.length);
        backing.set(stream, offset);
        const cut = offset + lead.length + 3000;
        const frames = decodeChunks([backing.subarray(offset, cut), backing.subarray(cut)]);
        const split = frames.at(-1)!;
        // Its body (after the 4-byte length prefix) began at offset + lead + 4 of the chunk's buffer; its
        // JSON starts 9 bytes into the body.
        expect([frames.length, split.json.byteOffset - 9]).toEqual([lead.length > 0 ? 2 : 1, (offset + lead.length + 4) % 16]);
        const { value } = parseFrameMessage(split) as { value: Uint8Array };
        expect([value.length, value.every((b, i) => b === i % 253)]).toEqual([5000, true]);
      }
    }
  });

  it("refuses a length below 9 and a jsonLength past the frame, then stays failed", () => {
    const decoder = new FrameDecoder();
    const ok = encodeFrame({ type: "health", id: 1 });
    const seen: RawFrame[] = [];
    const short = concat([ok, frameBytes({ length: 8, type: 4, id: 1, json: utf8.encode("{}") })]);
    const error = thrown(() => decoder.push(short, (f) => seen.push(f)));
    expect(seen).toHaveLength(1);
    expect(String(error)).toBe("LoomError: the frame at byte 15 announces 8 bytes, fewer than the 9 of its type, id and jsonLength");
    expect(thrown(() => decoder.push(ok, () => {}))).toBe(error);
    expect(thrown(() => decoder.end())).toBe(error);
    expect(decoder.error).toBe(error);

    const long = frameBytes({ type: 4, id: 1, json: utf8.encode("{}"), jsonLength: 3 });
    expect(String(thrown(() => decodeChunks([long])))).toBe(
      "LoomError: the frame at byte 0 has jsonLength 3, more than the 2 bytes after its header",
    );
  });

  it("at end of stream, refuses a frame or a length prefix cut short", () => {
    const frame = encodeFrame({ type: "health", id: 1 });
    expect(String(thrown(() => decodeChunks([frame, frame.subarray(0, 6)])))).toBe(
      "LoomError: the stream ended inside the frame at byte 15: 2 of its 11 bytes arrived",
    );
    expect(String(thrown(() => decodeChunks([frame.subarray(0, 3)])))).toBe(
      "LoomError: the stream ended inside the length prefix of the frame at byte 0",
    );
    expect(decodeChunks([frame, new Uint8Array(0)])).toHaveLength(1);
  });

  it("keeps the frames after one whose handler threw, for the next push", () => {
    const frames = [1, 2, 3, 4].map((id) => encodeFrame({ type: "health", id }));
    const decoder = new FrameDecoder();
    const ids: number[] = [];
    const handle = (frame: RawFrame) => {
      ids.push(frame.id);
      if (frame.id === 2) throw new Error("handler bug");
    };
    expect(thrown(() => decoder.push(concat(frames.slice(0, 3)), handle))).toEqual(new Error("handler bug"));
    decoder.push(frames[3]!, handle);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(decoder.error).toBeUndefined();
  });

  it("refuses a push from inside its own onFrame", () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame({ type: "health", id: 1 });
    expect(String(thrown(() => decoder.push(frame, () => decoder.push(frame, () => {}))))).toBe(
      "LoomError: FrameDecoder.push was called from its own onFrame",
    );
    expect(decodeChunks([frame], decoder)).toHaveLength(1);
  });

  it("refuses a maximum that is not a u32 of at least 9", () => {
    expect(String(thrown(() => new FrameDecoder({ maxFrameBytes: 8 })))).toBe("LoomError: maxFrameBytes must be an integer from 9 to 4294967295, not 8");
  });

  it("property: arbitrary bytes only ever throw the protocol's errors, and never hang", () => {
    fc.assert(
      fc.property(fc.array(garbage, { maxLength: 6 }), cuts, fc.constantFrom(9, 64, 4096, DEFAULT_MAX_FRAME_BYTES), (pieces, cut, maxFrameBytes) => {
        const stream = concat(pieces);
        const decoder = new FrameDecoder({ maxFrameBytes });
        let frames = 0;
        let failure: unknown;
        const onFrame = (frame: RawFrame) => {
          frames++;
          const error = thrown(() => parseFrameMessage(frame, { from: frame.type % 2 === 0 ? "host" : "plugin" }));
          if (error !== undefined && !isProtocolError(error)) throw error;
        };
        for (const chunk of split(stream, cut)) {
          const error = thrown(() => decoder.push(chunk, onFrame));
          if (error === undefined) continue;
          expect(isProtocolError(error), String(error)).toBe(true);
          if (failure !== undefined) expect(error).toBe(failure);
          failure = error;
        }
        const atEnd = thrown(() => decoder.end());
        if (atEnd !== undefined) expect(isProtocolError(atEnd), String(atEnd)).toBe(true);
        if (failure !== undefined) expect(atEnd).toBe(failure);
        expect(frames).toBeLessThanOrEqual(stream.length / 13);
      }),
      { numRuns: 300 },
    );
  });

  it("property: valid frames, concatenated and split anywhere, decode to the same messages in order", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 10 }), cuts, fc.boolean(), (messages, cut, batched) => {
        let stream: Uint8Array;
        if (batched) {
          const batch = new FrameBatch();
          for (const m of messages) batch.add(m);
          stream = batch.take();
        } else {
          stream = concat(messages.map((m) => encodeFrame(m)));
        }
        const frames = decodeChunks(split(stream, cut));
        expect(frames.map((f) => f.id)).toEqual(messages.map((m) => m.id));
        expect(frames.map((f) => parseFrameMessage(f))).toEqual(messages);
      }),
      { numRuns: 150 },
    );
  });

  it("property: a length prefix above the maximum fails with FRAME_TOO_LARGE before any body arrives", () => {
    fc.assert(
      fc.property(fc.integer({ min: 9, max: 1 << 24 }), fc.nat(), fc.boolean(), (maxFrameBytes, over, byteByByte) => {
        const length = maxFrameBytes + 1 + (over % (MAX_U32 - maxFrameBytes));
        const prefix = new Uint8Array(4);
        new DataView(prefix.buffer).setUint32(0, length);
        const before = encodeFrame({ type: "health", id: 1 });
        const stream = concat([before, prefix, new Uint8Array(16)]);
        const decoder = new FrameDecoder({ maxFrameBytes });
        const seen: number[] = [];
        const chunks = byteByByte ? split(stream, "bytes") : [stream];
        let failedAt = -1;
        for (const [i, chunk] of chunks.entries()) {
          const error = thrown(() => decoder.push(chunk, (f) => seen.push(f.id)));
          if (error === undefined) continue;
          expect(isLoomError(error) && error.code).toBe("FRAME_TOO_LARGE");
          failedAt = i;
          break;
        }
        expect(seen).toEqual(maxFrameBytes >= 11 ? [1] : []);
        if (maxFrameBytes >= 11) expect(failedAt).toBe(byteByByte ? before.length + 3 : 0);
        expect(decoder.buffered).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
