import type { Writable } from "node:stream";
import { BATCH_FLUSH_FRAMES, FrameBatch } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";

/**
 * Writes frames to the plugin's inbound channel (fd 3), batched (FrameBatch) so many frames cost one
 * write: a frame leaves at the end of the event-loop turn it was sent in (setImmediate), so the calls of
 * every request that turn handled share one write and one wake-up of the plugin - with the gateway and
 * its plugin on one core, a write per request also meant a switch to the plugin per request. A call
 * alone in flight pays nothing for it: the turn ends right after the callback that made the call. Every
 * BATCH_FLUSH_FRAMES frames a batch leaves at once, so a plugin on another core starts on a burst's
 * first calls while the host still sends the rest. When the pipe is full (`write` returned false)
 * nothing more is written until `drain`; `blocked` tells the call queue to hold new calls meanwhile, so
 * memory stays bounded.
 */
export class FrameWriter {
  #batch: FrameBatch;
  #later = false;
  #blocked = false;
  #closed = false;
  readonly #output: Writable;
  readonly #onDrain: () => void;

  constructor(output: Writable, maxFrameBytes: number, onDrain: () => void) {
    this.#output = output;
    this.#batch = new FrameBatch({ maxFrameBytes });
    this.#onDrain = onDrain;
    // EPIPE and friends: the process is gone, and its exit is handled elsewhere.
    output.on("error", () => this.close());
  }

  /** True while the pipe is full. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** The peer's maximum frame size, learnt from the handshake. */
  setMaxFrameBytes(maxFrameBytes: number): void {
    if (this.#batch.byteLength > 0) this.#flush();
    this.#batch = new FrameBatch({ maxFrameBytes });
  }

  /** Queues a frame for the end of this event-loop turn. Throws FRAME_TOO_LARGE (or PROTOCOL_ERROR) and sends nothing. */
  send(message: FrameMessage): void {
    if (this.#closed) return;
    this.#batch.add(message);
    if (this.#batch.frameCount >= BATCH_FLUSH_FRAMES) return this.#flush();
    if (this.#later) return;
    this.#later = true;
    setImmediate(this.#flushLater);
  }

  /** Writes what is queued now, e.g. before a signal. */
  flushNow(): void {
    this.#flush();
  }

  /** Stops writing; queued frames are dropped. */
  close(): void {
    this.#closed = true;
    this.#batch.take();
  }

  #flushLater = (): void => {
    this.#later = false;
    this.#flush();
  };

  #flush(): void {
    if (this.#closed || this.#blocked || this.#batch.byteLength === 0) return;
    if (this.#output.write(this.#batch.take())) return;
    this.#blocked = true;
    this.#output.once("drain", () => {
      this.#blocked = false;
      this.#flush();
      this.#onDrain();
    });
  }
}
