import { Writable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { BATCH_FLUSH_FRAMES, FrameDecoder, parseFrameMessage } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { describe, expect, it } from "vitest";
import { FrameWriter } from "../../src/subprocess/frame-writer.ts";

/** A real Writable that records every write's frame ids. */
function recordingChannel() {
  const writes: number[][] = [];
  const stream = new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      const ids: number[] = [];
      new FrameDecoder().push(chunk, (frame) => ids.push(parseFrameMessage(frame).id));
      writes.push(ids);
      done();
    },
  });
  return { stream, writes };
}

const health = (id: number): FrameMessage => ({ type: "health", id });

describe("FrameWriter", () => {
  it("holds frames until the end of the event-loop turn, then writes them together", async () => {
    const { stream, writes } = recordingChannel();
    const writer = new FrameWriter(stream, 1 << 20, () => undefined);
    writer.send(health(1));
    await Promise.resolve();
    writer.send(health(2));
    await Promise.resolve();
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([[1, 2]]);
  });

  it("writes at once every BATCH_FLUSH_FRAMES frames", () => {
    const { stream, writes } = recordingChannel();
    const writer = new FrameWriter(stream, 1 << 20, () => undefined);
    for (let id = 1; id <= BATCH_FLUSH_FRAMES; id++) writer.send(health(id));
    expect(writes).toEqual([Array.from({ length: BATCH_FLUSH_FRAMES }, (_, i) => i + 1)]);
  });

  it("writes what is queued at once on flushNow (before a signal)", () => {
    const { stream, writes } = recordingChannel();
    const writer = new FrameWriter(stream, 1 << 20, () => undefined);
    writer.send(health(1));
    writer.flushNow();
    expect(writes).toEqual([[1]]);
  });
});
