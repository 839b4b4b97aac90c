import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { checkFrameLength, frameLength, minJsonBytes, serializeMessage, writeAscii, writeFrameAround } from "./serialize-message.ts";
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
  const { head, tail } = serialized;
  // UTF-8 is never shorter than the string: refuse an oversized frame before encoding it.
  checkFrameLength(serialized, frameLength(serialized, minJsonBytes(serialized)), max);
  const text = encodeJsonText(serialized.text);
  const jsonLength = head.length + text.length + tail.length;
  checkFrameLength(serialized, frameLength(serialized, jsonLength), max);
  const out = new Uint8Array(FRAME_HEADER_BYTES + jsonLength + serialized.binaryLength);
  out.set(head, FRAME_HEADER_BYTES);
  out.set(text, FRAME_HEADER_BYTES + head.length);
  writeAscii(out, FRAME_HEADER_BYTES + head.length + text.length, tail);
  writeFrameAround(out, 0, serialized, jsonLength);
  return out;
}
