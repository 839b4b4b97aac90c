import type { Writable } from "node:stream";
import { BATCH_FLUSH_FRAMES, FrameBatch } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";

/**
 * Writes frames to the plugin's inbound channel (fd 3). The frames sent while one piece of work runs go
 * out in one write (FrameBatch, flushed in a microtask: after the current callback and its promise
 * reactions, before the event loop turns), and every BATCH_FLUSH_FRAMES frames, so the plugin starts on
 * the first calls of a burst while the host still sends the rest. When the pipe is full (`write` returned false) nothing more is written until `drain`;
 * `blocked` tells the call queue to hold new calls meanwhile, so memory stays bounded.
 */
export class FrameWriter {
  #batch: FrameBatch;
  #scheduled = false;
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

  /** Queues a frame for this turn's write; throws FRAME_TOO_LARGE (or PROTOCOL_ERROR) and sends nothing. */
  send(message: FrameMessage): void {
    if (this.#closed) return;
    this.#batch.add(message);
    if (this.#batch.frameCount >= BATCH_FLUSH_FRAMES) return this.#flush();
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
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

  #flush = (): void => {
    this.#scheduled = false;
    if (this.#closed || this.#blocked || this.#batch.byteLength === 0) return;
    if (this.#output.write(this.#batch.take())) return;
    this.#blocked = true;
    this.#output.once("drain", () => {
      this.#blocked = false;
      this.#flush();
      this.#onDrain();
    });
  };
}
