import { Writable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { BATCH_FLUSH_FRAMES, FrameDecoder, parseFrameMessage } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { describe, expect, it } from "vitest";
import { createFrameWriter } from "./create-frame-writer.ts";

/** A real Writable that records each write and completes it only when told (a slow reader). */
function slowChannel() {
  const writes: Uint8Array[] = [];
  const held: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Uint8Array, _encoding, done) {
      writes.push(chunk);
      held.push(done);
    },
  });
  const release = () => held.splice(0).forEach((done) => done());
  return { stream, writes, release };
}

const decode = (bytes: Uint8Array): FrameMessage[] => {
  const out: FrameMessage[] = [];
  new FrameDecoder().push(bytes, (frame) => out.push(parseFrameMessage(frame)));
  return out;
};

const health = (id: number): FrameMessage => ({ type: "health-ok", id, inFlight: 0 });

describe("createFrameWriter", () => {
  it("sends the frames of one callback in one write, from a microtask", async () => {
    const { stream, writes, release } = slowChannel();
    const writer = createFrameWriter(stream, 1 << 20);
    writer.send(health(1));
    writer.send(health(2));
    writer.send(health(3));
    expect(writes).toHaveLength(0);
    await Promise.resolve();
    expect(writes).toHaveLength(1);
    expect(decode(writes[0]!).map((m) => m.id)).toEqual([1, 2, 3]);
    release();
  });

  it("writes at once every BATCH_FLUSH_FRAMES frames, so the host starts on a burst's first replies", async () => {
    const { stream, writes, release } = slowChannel();
    const writer = createFrameWriter(stream, 1 << 20);
    for (let id = 1; id <= BATCH_FLUSH_FRAMES; id++) writer.send(health(id));
    expect(writes).toHaveLength(1);
    expect(decode(writes[0]!).map((m) => m.id)).toEqual(Array.from({ length: BATCH_FLUSH_FRAMES }, (_, i) => i + 1));
    release();
    writer.send(health(BATCH_FLUSH_FRAMES + 1));
    await nextTurn();
    expect(writes).toHaveLength(2);
    release();
  });

  it("holds frames while the channel is full and writes them at drain in one write", async () => {
    const { stream, writes, release } = slowChannel();
    const writer = createFrameWriter(stream, 1 << 20);
    writer.send(health(1));
    await nextTurn();
    writer.send(health(2));
    await nextTurn();
    writer.send(health(3));
    await nextTurn();
    expect(writes).toHaveLength(1);
    release();
    await nextTurn();
    expect(writes).toHaveLength(2);
    expect(decode(writes[1]!).map((m) => m.id)).toEqual([2, 3]);
    release();
  });

  it("refuses a frame above the host's maximum without queueing it, and close flushes the rest", async () => {
    const { stream, writes, release } = slowChannel();
    const writer = createFrameWriter(stream, 64 * 1024);
    expect(() => writer.send({ type: "result", id: 1, value: new Uint8Array(64 * 1024) })).toThrow(/more than the receiver's maximum/);
    writer.send(health(2));
    const closed = writer.close();
    release();
    await closed;
    expect(writes.flatMap((bytes) => decode(bytes).map((m) => m.id))).toEqual([2]);
    expect(stream.writableFinished).toBe(true);
  });
});
