import { describe, expect, it } from "vitest";
import { encodeFrame } from "./encode-frame.ts";
import { FrameBatch } from "./frame-batch.ts";
import type { RawFrame } from "./frame-decoder.ts";
import { FrameDecoder } from "./frame-decoder.ts";
import type { FrameMessage } from "./frame-message.ts";
import { isLoomError } from "./loom-error.ts";
import { parseFrameMessage } from "./parse-frame-message.ts";
import { utf8Decoder, utf8Encoder } from "./utf8-coders.ts";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const text = (bytes: Uint8Array) => utf8Decoder.decode(bytes);

function rawFrames(bytes: Uint8Array): RawFrame[] {
  const frames: RawFrame[] = [];
  const decoder = new FrameDecoder();
  decoder.push(bytes, (frame) => frames.push(frame));
  decoder.end();
  return frames;
}

const decode = (bytes: Uint8Array) => rawFrames(bytes).map((frame) => parseFrameMessage(frame));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isLoomError(error) ? `${error.code}: ${error.message}` : `not a LoomError: ${String(error)}`;
  }
  return undefined;
}

describe("encodeFrame", () => {
  it("lays a frame out as length, type, id, jsonLength, JSON, binary (big-endian)", () => {
    expect(hex(encodeFrame({ type: "health", id: 7 }))).toBe(
      ["0000000b", "04", "00000007", "00000002", hex(utf8Encoder.encode("{}"))].join(""),
    );
    const frame = encodeFrame({ type: "call", id: 0x01020304, instance: "i1", method: "m", args: [], deadlineMs: 10 });
    expect(hex(frame.subarray(4, 9))).toBe("0901020304");
    expect(text(frame.subarray(13))).toBe('{"instance":"i1","method":"m","args":[],"deadlineMs":10}');
    expect(frame.buffer.byteLength).toBe(frame.length);
  });

  it("sends Uint8Array values as $bytes references into the binary section, in order", () => {
    const body = new Uint8Array([1, 2, 3]);
    const frame = encodeFrame({ type: "result", id: 1, value: { body, more: [new Uint8Array(0), new Uint8Array([9])] } });
    const [raw] = rawFrames(frame);
    expect(text(raw!.json)).toBe('{"value":{"body":{"$bytes":[0,3]},"more":[{"$bytes":[3,0]},{"$bytes":[3,1]}]}}');
    expect(Array.from(raw!.binary)).toEqual([1, 2, 3, 9]);
    expect(parseFrameMessage(raw!)).toEqual({ type: "result", id: 1, value: { body, more: [new Uint8Array(0), new Uint8Array([9])] } });
  });

  it("round-trips every message type, non-ASCII text and bytes at any depth", () => {
    const messages: FrameMessage[] = [
      {
        type: "handshake",
        id: 0,
        protocolVersions: [1, 2],
        protocolVersion: 2,
        nonce: "0123456789abcdef0123456789abcdef",
        plugin: { name: "échos", version: "1.0.0" },
        capabilities: ["cancel"],
        modules: [{ id: "http.handlers.echo", methods: ["handle"] }],
      },
      { type: "error", id: 0, code: "PROTOCOL_ERROR", message: "ça ne va pas 🧵", data: { at: [1, 2] } },
      { type: "shutdown", id: 0, deadlineMs: 5000 },
      { type: "health", id: 1 },
      { type: "health-ok", id: 1, inFlight: 0 },
      { type: "create", id: 2, module: "http.handlers.echo", config: { greeting: "日本語" } },
      { type: "created", id: 2, instance: "echo-1" },
      { type: "call", id: 3, instance: "echo-1", method: "handle", args: [{ body: new Uint8Array([0, 255]), deep: [[[new Uint8Array([7])]]] }], deadlineMs: 1 },
      { type: "result", id: 3, value: { status: 200, body: new Uint8Array(300).fill(42) } },
      { type: "cancel", id: 3 },
      { type: "destroy", id: 4, instance: "echo-1" },
    ];
    const batch = new FrameBatch();
    for (const message of messages) batch.add(message);
    expect(decode(batch.take())).toEqual(messages);
    for (const message of messages) expect(decode(encodeFrame(message))).toEqual([message]);
  });

  it("encodes a Node Buffer (a Uint8Array subclass) as bytes, never calling its toJSON (64 KiB would become 65,536 numbers)", () => {
    class Buffered extends Uint8Array {
      toJSON(): never {
        throw new Error("toJSON was called");
      }
    }
    const [raw] = rawFrames(encodeFrame({ type: "result", id: 1, value: Buffered.from([5, 6]) }));
    expect(text(raw!.json)).toBe('{"value":{"$bytes":[0,2]}}');
  });

  it("calls another object's toJSON as JSON.stringify does, and finds bytes in what it returns", () => {
    const holder = { toJSON: (key: string) => ({ key, bytes: new Uint8Array([7]) }) };
    const [raw] = rawFrames(encodeFrame({ type: "result", id: 1, value: { holder, when: new Date(0) } }));
    expect(text(raw!.json)).toBe('{"value":{"holder":{"key":"holder","bytes":{"$bytes":[0,1]}},"when":"1970-01-01T00:00:00.000Z"}}');
    expect([...raw!.binary]).toEqual([7]);
  });

  it("refuses what protocol v1 cannot carry, naming where", () => {
    expect(codeOf(() => encodeFrame({ type: "result", id: 1, value: { a: [{ $bytes: [0, 1] }] } }))).toBe(
      'PROTOCOL_ERROR: cannot encode value.a[0]: the key "$bytes" is reserved for binary references',
    );
    expect(codeOf(() => encodeFrame({ type: "result", id: 1, value: new Float32Array(2) }))).toBe(
      "PROTOCOL_ERROR: cannot encode value: a Float32Array; binary data travels as a Uint8Array",
    );
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(codeOf(() => encodeFrame({ type: "result", id: 1, value: loop }))).toMatch(/^PROTOCOL_ERROR: cannot encode value(\.self)+: nested deeper than 128 levels \(or circular\)$/);
  });

  it("throws FRAME_TOO_LARGE above the receiver's maximum, counting UTF-8 bytes and binary", () => {
    const maxFrameBytes = 64 * 1024;
    expect(codeOf(() => encodeFrame({ type: "result", id: 5, value: new Uint8Array(maxFrameBytes) }, { maxFrameBytes }))).toBe(
      "FRAME_TOO_LARGE: a result frame (id 5) would be 65575 bytes, more than the receiver's maximum of 65536",
    );
    // 30000 three-byte characters: short as a string, too large as UTF-8.
    expect(codeOf(() => encodeFrame({ type: "result", id: 5, value: "€".repeat(30_000) }, { maxFrameBytes }))).toMatch(/^FRAME_TOO_LARGE/);
    expect(encodeFrame({ type: "result", id: 5, value: "€".repeat(20_000) }, { maxFrameBytes }).length).toBe(13 + `{"value":""}`.length + 60_000);
  });
});

function batchOf(message: FrameMessage, maxFrameBytes?: number): Uint8Array {
  const batch = new FrameBatch(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  batch.add(message);
  return batch.take();
}

describe("FrameBatch", () => {
  it("puts frames back to back in one buffer and starts over after take", () => {
    const batch = new FrameBatch();
    batch.add({ type: "health", id: 1 });
    batch.add({ type: "cancel", id: 2 });
    expect([batch.frameCount, batch.byteLength]).toEqual([2, 30]);
    const bytes = batch.take();
    expect(hex(bytes)).toBe(hex(encodeFrame({ type: "health", id: 1 })) + hex(encodeFrame({ type: "cancel", id: 2 })));
    expect([batch.frameCount, batch.byteLength, batch.take().length]).toEqual([0, 0, 0]);
    batch.add({ type: "health", id: 3 });
    expect(hex(bytes.subarray(0, 4))).toBe("0000000b");
  });

  it("never writes again into a batch it handed over, while later batches fill and leave its slab", () => {
    const batch = new FrameBatch();
    const taken: { bytes: Uint8Array; hex: string }[] = [];
    // 3000 batches of one to three frames: well past one slab, with batches that straddle its end.
    for (let i = 0; i < 3000; i++) {
      for (let j = 0; j <= i % 3; j++) batch.add({ type: "result", id: i + 1, value: "x".repeat((i * 7) % 300) });
      const bytes = batch.take();
      taken.push({ bytes, hex: hex(bytes) });
    }
    expect(taken.every(({ bytes, hex: before }) => hex(bytes) === before)).toBe(true);
    const decoded = taken.flatMap(({ bytes }) => decode(bytes)) as { id: number }[];
    expect(decoded.length).toBe(6000);
    expect(decoded.at(-1)).toEqual({ type: "result", id: 3000, value: "x".repeat((2999 * 7) % 300) });
  });

  it("keeps every frame of a batch that grows to many slabs before it is taken (a full pipe)", () => {
    const batch = new FrameBatch();
    for (let id = 1; id <= 20_000; id++) batch.add({ type: "result", id, value: `v${id}` });
    const decoded = decode(batch.take()) as { id: number; value: string }[];
    expect(decoded.length).toBe(20_000);
    expect(decoded.every((message, i) => message.id === i + 1 && message.value === `v${i + 1}`)).toBe(true);
  });

  it("starts a large binary section as far into its 16-byte line as its first part, padding the JSON with spaces", () => {
    const backing = new Uint8Array(5000 + 16).map((_, i) => i % 251);
    for (let offset = 0; offset < 16; offset++) {
      const part = backing.subarray(offset, offset + 5000);
      const batch = new FrameBatch();
      batch.add({ type: "health", id: 1 });
      batch.add({ type: "result", id: 2, value: { body: part, name: "x" } });
      const bytes = batch.take();
      const [, frame] = rawFrames(bytes);
      // The batch's buffer starts a 16-byte line (malloc), as the part's backing does.
      expect(frame!.binary.byteOffset % 16).toBe(offset);
      expect(text(frame!.json)).toMatch(/^\{"value":\{"body":\{"\$bytes":\[0,5000\]\},"name":"x"\}\} {0,15}$/);
      const message = parseFrameMessage(frame!) as { value: { body: Uint8Array; name: string } };
      expect([message.value.name, hex(message.value.body) === hex(part)]).toEqual(["x", true]);
    }
  });

  it("pads neither small binary sections nor a frame that padding would take past the maximum", () => {
    const small = new Uint8Array(100).subarray(7);
    expect(hex(batchOf({ type: "result", id: 1, value: small }))).toBe(hex(encodeFrame({ type: "result", id: 1, value: small })));
    const large = new Uint8Array(70_000).subarray(15);
    const exact = encodeFrame({ type: "result", id: 1, value: large });
    // Padded under the default maximum; the unpadded frame is exactly this maximum: no room for a space.
    expect(batchOf({ type: "result", id: 1, value: large }).length).toBeGreaterThan(exact.length);
    const bytes = batchOf({ type: "result", id: 1, value: large }, exact.length - 4);
    expect(hex(bytes.subarray(0, 64))).toBe(hex(exact.subarray(0, 64)));
    expect(bytes.length).toBe(exact.length);
  });

  it("grows past its first buffer, and a message that fails adds nothing", () => {
    const batch = new FrameBatch({ maxFrameBytes: 200_000 });
    const big = { type: "result", id: 1, value: ["ü".repeat(40_000), new Uint8Array(70_000).fill(1)] } as const;
    batch.add({ type: "health", id: 1 });
    batch.add(big);
    expect(codeOf(() => batch.add({ type: "result", id: 2, value: new Uint8Array(300_000) }))).toMatch(/^FRAME_TOO_LARGE/);
    expect(codeOf(() => batch.add({ type: "result", id: 3, value: { $bytes: 1 } }))).toMatch(/^PROTOCOL_ERROR/);
    batch.add({ type: "health", id: 4 });
    const [first, second, third, ...rest] = decode(batch.take());
    expect([first, third, rest]).toEqual([{ type: "health", id: 1 }, { type: "health", id: 4 }, []]);
    // Checked by hand: toEqual walks a 70000-byte array slowly.
    const [word, bytes] = (second as { value: [string, Uint8Array] }).value;
    expect(word).toBe(big.value[0]);
    expect([bytes.length, bytes.every((b) => b === 1)]).toEqual([70_000, true]);
  });
});
