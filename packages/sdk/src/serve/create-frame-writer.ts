import type { Writable } from "node:stream";
import { BATCH_FLUSH_FRAMES, FrameBatch } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";

export interface FrameWriter {
  /**
   * Queues one frame; the frames of one callback leave in one write (up to BATCH_FLUSH_FRAMES each). Throws like
   * FrameBatch.add (FRAME_TOO_LARGE, or a value protocol v1 cannot carry), queueing nothing.
   */
  send(message: FrameMessage): void;
  /** Writes what is queued, ends the channel and resolves once it is flushed or failed. */
  close(): Promise<void>;
}

/**
 * Frames to the host's channel: batched with FrameBatch and written from a microtask (after the current
 * callback and its promise reactions), or at once every BATCH_FLUSH_FRAMES frames. While
 * the channel is full (`write` returned false) frames keep collecting and go out in one write at `drain`.
 * `maxFrameBytes` is the host's maximum (LOOM_PLUGIN_MAX_FRAME_BYTES).
 */
export function createFrameWriter(output: Writable, maxFrameBytes: number): FrameWriter {
  const batch = new FrameBatch({ maxFrameBytes });
  let scheduled = false;
  let blocked = false;
  let closed = false;

  const flush = (): void => {
    scheduled = false;
    if (blocked || batch.byteLength === 0 || output.destroyed) return;
    if (!output.write(batch.take())) {
      blocked = true;
      output.once("drain", () => {
        blocked = false;
        flush();
      });
    }
  };

  return {
    send(message) {
      if (closed) return;
      batch.add(message);
      if (batch.frameCount >= BATCH_FLUSH_FRAMES && !blocked) return flush();
      if (!scheduled && !blocked) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => {
        if (output.destroyed || output.writableEnded) return resolve();
        // A full channel queues this write too; end() resolves when all of it reached the host.
        if (batch.byteLength > 0) output.write(batch.take());
        output.once("error", () => resolve());
        output.end(() => resolve());
      });
    },
  };
}
