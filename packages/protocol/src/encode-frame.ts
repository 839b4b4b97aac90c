import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { checkFrameLength, frameLength, serializeMessage, writeFrameAround } from "./serialize-message.ts";
import { writeUtf8 } from "./write-utf8.ts";

export interface EncodeFrameOptions {
  /** The receiver's maximum frame size; a larger frame throws FRAME_TOO_LARGE. Default 16 MiB. */
  maxFrameBytes?: number;
}

const SCRATCH_BYTES = 64 * 1024;
/** A scratch buffer grown past this by one big text is replaced at the next use, not kept. */
const SCRATCH_KEEP_BYTES = 1024 * 1024;
let scratch = new Uint8Array(SCRATCH_BYTES);

function growScratch(needed: number, keep: number): Uint8Array {
  const next = new Uint8Array(Math.max(needed, scratch.length * 2));
  next.set(scratch.subarray(0, keep));
  scratch = next;
  return next;
}

/** `text` as UTF-8, in a scratch buffer that the next call reuses: copy it before calling again. */
export function encodeJsonText(text: string): Uint8Array {
  if (scratch.length > SCRATCH_KEEP_BYTES) scratch = new Uint8Array(SCRATCH_BYTES);
  const { buffer, written } = writeUtf8(text, scratch, 0, growScratch);
  return buffer.subarray(0, written);
}

/**
 * Encodes one message as one frame, in one exactly sized allocation: the JSON is measured in a reused
 * scratch buffer, then copied. Uint8Array values anywhere in the message travel in the binary section
 * as `{"$bytes": [offset, length]}`. Throws LoomError FRAME_TOO_LARGE above `maxFrameBytes`, and
 * PROTOCOL_ERROR for a value protocol v1 cannot carry (a `$bytes` key, another binary view, a cycle);
 * nothing else is validated: messages are typed. To coalesce many frames into one write, use FrameBatch.
 */
export function encodeFrame(message: FrameMessage, options: EncodeFrameOptions = {}): Uint8Array {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const serialized = serializeMessage(message);
  // UTF-8 is never shorter than the string: refuse an oversized frame before encoding it.
  checkFrameLength(serialized, frameLength(serialized, serialized.text.length), max);
  const json = encodeJsonText(serialized.text);
  checkFrameLength(serialized, frameLength(serialized, json.length), max);
  const out = new Uint8Array(FRAME_HEADER_BYTES + json.length + serialized.binaryLength);
  out.set(json, FRAME_HEADER_BYTES);
  writeFrameAround(out, 0, serialized, json.length);
  return out;
}
