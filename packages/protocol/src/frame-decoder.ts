import { ErrorCode } from "./error-codes.ts";
import { DEFAULT_MAX_FRAME_BYTES, FRAME_FIXED_BYTES, FRAME_PREFIX_BYTES, MAX_U32 } from "./frame-layout.ts";
import { alignedCopyTarget } from "./aligned-copy-target.ts";
import { LoomError } from "./loom-error.ts";

/** One frame as read off the wire, not yet validated: parseFrameMessage turns it into a message. */
export interface RawFrame {
  /** The `u8 type` code (see FrameType); not checked here. */
  readonly type: number;
  /** The `u32 id`: a request id, or 0 for connection-level frames. */
  readonly id: number;
  /** The JSON section, UTF-8. */
  readonly json: Uint8Array;
  /** The binary section (may be empty). */
  readonly binary: Uint8Array;
}

export interface FrameDecoderOptions {
  /** The largest `length` accepted; a larger announcement fails with FRAME_TOO_LARGE. Default 16 MiB. */
  maxFrameBytes?: number;
}

/** The binary section of every frame that has none (most frames): empty, so nothing can change it. */
const NO_BINARY = new Uint8Array(0);

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * Splits a byte stream into frames. Push chunks of any size; each complete frame is handed to `onFrame`
 * in stream order. A frame inside one chunk is a view of that chunk (no copy), so a pushed chunk must
 * not be changed afterwards; a frame spanning chunks is copied once into a buffer of its size,
 * allocated only after its length passed the maximum, and placed in it as aligned as its first part
 * is in its chunk (alignedCopyTarget). A protocol error (FRAME_TOO_LARGE, PROTOCOL_ERROR)
 * is thrown after the frames before it were delivered, and every later push or end throws it again.
 * If `onFrame` throws, the bytes after that frame are kept and decoded by the next push. Not reentrant:
 * `onFrame` must not call `push`.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  readonly #prefix = new Uint8Array(FRAME_PREFIX_BYTES);
  #prefixFill = 0;
  #body: Uint8Array | undefined;
  #bodyFill = 0;
  /** Chunks not yet decoded: only non-empty when `onFrame` threw. */
  readonly #backlog: Uint8Array[] = [];
  #pos = 0;
  /** Stream offset of the current chunk's first byte and of the frame being read, for error messages. */
  #base = 0;
  #frameStart = 0;
  #error: LoomError | undefined;
  #busy = false;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < FRAME_FIXED_BYTES || max > MAX_U32) {
      throw new LoomError(ErrorCode.INTERNAL, `maxFrameBytes must be an integer from ${FRAME_FIXED_BYTES} to ${MAX_U32}, not ${max}`);
    }
    this.maxFrameBytes = max;
  }

  /** The protocol error that stopped this decoder, if any. */
  get error(): LoomError | undefined {
    return this.#error;
  }

  /** Bytes held for a frame that has not fully arrived. */
  get buffered(): number {
    return this.#prefixFill + this.#bodyFill;
  }

  /** Decodes a chunk; calls `onFrame` for each frame it completes, in order. */
  push(chunk: Uint8Array, onFrame: (frame: RawFrame) => void): void {
    if (this.#error) throw this.#error;
    if (this.#busy) throw new LoomError(ErrorCode.INTERNAL, "FrameDecoder.push was called from its own onFrame");
    if (chunk.length > 0) this.#backlog.push(chunk);
    this.#busy = true;
    try {
      while (this.#backlog.length > 0) {
        const current = this.#backlog[0]!;
        this.#pos = 0;
        try {
          this.#feed(current, onFrame);
        } catch (error) {
          this.#base += this.#pos;
          if (error === this.#error) this.#backlog.length = 0;
          else this.#backlog[0] = current.subarray(this.#pos);
          throw error;
        }
        this.#base += current.length;
        this.#backlog.shift();
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Call at end of stream: throws PROTOCOL_ERROR if it ended inside a frame. */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.#body !== undefined) {
      this.#fail(ErrorCode.PROTOCOL_ERROR, `the stream ended inside the frame at byte ${this.#frameStart}: ${this.#bodyFill} of its ${this.#body.length} bytes arrived`);
    }
    if (this.#prefixFill > 0) {
      this.#fail(ErrorCode.PROTOCOL_ERROR, `the stream ended inside the length prefix of the frame at byte ${this.#frameStart}`);
    }
  }

  #feed(chunk: Uint8Array, onFrame: (frame: RawFrame) => void): void {
    const end = chunk.length;
    while (this.#pos < end) {
      const body = this.#body;
      if (body !== undefined) {
        // Continue a frame that spans chunks.
        const n = Math.min(body.length - this.#bodyFill, end - this.#pos);
        body.set(chunk.subarray(this.#pos, this.#pos + n), this.#bodyFill);
        this.#bodyFill += n;
        this.#pos += n;
        if (this.#bodyFill === body.length) {
          const frame = this.#frameOf(body, 0, body.length);
          this.#body = undefined;
          this.#bodyFill = 0;
          onFrame(frame);
        }
        continue;
      }
      let length: number;
      if (this.#prefixFill === 0 && end - this.#pos >= FRAME_PREFIX_BYTES) {
        this.#frameStart = this.#base + this.#pos;
        length = readU32(chunk, this.#pos);
        this.#pos += FRAME_PREFIX_BYTES;
      } else {
        if (this.#prefixFill === 0) this.#frameStart = this.#base + this.#pos;
        while (this.#prefixFill < FRAME_PREFIX_BYTES && this.#pos < end) this.#prefix[this.#prefixFill++] = chunk[this.#pos++]!;
        if (this.#prefixFill < FRAME_PREFIX_BYTES) return;
        this.#prefixFill = 0;
        length = readU32(this.#prefix, 0);
      }
      this.#checkLength(length);
      if (end - this.#pos >= length) {
        const frame = this.#frameOf(chunk, this.#pos, length);
        this.#pos += length;
        onFrame(frame);
      } else {
        this.#body = alignedCopyTarget(chunk, this.#pos, length);
      }
    }
  }

  #checkLength(length: number): void {
    if (length > this.maxFrameBytes) {
      this.#fail(
        ErrorCode.FRAME_TOO_LARGE,
        `the frame at byte ${this.#frameStart} announces ${length} bytes, more than the maximum of ${this.maxFrameBytes}`,
      );
    }
    if (length < FRAME_FIXED_BYTES) {
      this.#fail(
        ErrorCode.PROTOCOL_ERROR,
        `the frame at byte ${this.#frameStart} announces ${length} bytes, fewer than the ${FRAME_FIXED_BYTES} of its type, id and jsonLength`,
      );
    }
  }

  /**
   * Splits a complete frame (the `length` bytes after its length prefix, at `start` in `bytes`) into its
   * fields, as views of `bytes`: one view for the JSON, one for a binary section that is not empty.
   */
  #frameOf(bytes: Uint8Array, start: number, length: number): RawFrame {
    const jsonLength = readU32(bytes, start + 5);
    const room = length - FRAME_FIXED_BYTES;
    if (jsonLength > room) {
      this.#fail(ErrorCode.PROTOCOL_ERROR, `the frame at byte ${this.#frameStart} has jsonLength ${jsonLength}, more than the ${room} bytes after its header`);
    }
    const jsonEnd = start + FRAME_FIXED_BYTES + jsonLength;
    const end = start + length;
    return {
      type: bytes[start]!,
      id: readU32(bytes, start + 1),
      json: bytes.subarray(start + FRAME_FIXED_BYTES, jsonEnd),
      binary: jsonEnd === end ? NO_BINARY : bytes.subarray(jsonEnd, end),
    };
  }

  #fail(code: ErrorCode, message: string): never {
    this.#error = new LoomError(code, message);
    throw this.#error;
  }
}
