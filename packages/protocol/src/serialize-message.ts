import { callHead } from "./call-head.ts";
import { ErrorCode } from "./error-codes.ts";
import { FRAME_FIXED_BYTES, FRAME_PREFIX_BYTES } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { FrameType } from "./frame-type.ts";
import { LoomError } from "./loom-error.ts";
import { utf8Decoder, utf8Encoder } from "./utf8-coders.ts";
import { needsByteRefs, noBinaryParts, withByteRefs } from "./with-byte-refs.ts";
import type { BinaryParts } from "./with-byte-refs.ts";

/** A message taken apart for framing: header values, JSON text and the binary section's parts. */
export interface SerializedMessage {
  readonly type: FrameMessage["type"];
  readonly code: number;
  readonly id: number;
  /**
   * The JSON of every field but `type` and `id`, Uint8Array values replaced by `$bytes` references, in
   * three parts: `head` (UTF-8 bytes, shared: never write to them), `text`, and `tail` (ASCII only).
   * The JSON section is head · UTF-8 of text · tail; jsonOf joins them.
   */
  readonly head: Uint8Array;
  readonly text: string;
  readonly tail: string;
  /** The binary section, in the order of its references. */
  readonly parts: readonly Uint8Array[];
  readonly binaryLength: number;
}

const NO_HEAD = new Uint8Array(0);
const RESULT_HEAD = utf8Encoder.encode(`{"value":`);

/**
 * JSON of one payload (a call's args, a result's value) at depth 2, bytes moved to `binary`: one walk
 * (withByteRefs copies nothing where there are no bytes), not a check and then a walk.
 */
function payloadText(value: unknown, key: string, binary: BinaryParts): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) as string | undefined;
  return JSON.stringify(withByteRefs(value, key, 2, binary, [key])) as string | undefined;
}

/**
 * The JSON of the two frames of every call, `call` and `result`, written field by field: the same JSON
 * as JSON.stringify of the fields in about half the time (one JSON.stringify of a whole message, after
 * copying it with a rest spread, cost about as much as the rest of encoding its frame), and only the
 * payload is walked for bytes. Undefined for any other message.
 */
function callFieldsJson(message: FrameMessage, binary: BinaryParts): { head: Uint8Array; text: string; tail: string } | undefined {
  if (message.type === "call") {
    const args = payloadText(message.args, "args", binary);
    if (args === undefined) return undefined;
    const { deadlineMs } = message;
    // JSON.stringify writes a safe integer as its digits (and NaN, say, as null).
    const tail = `,"deadlineMs":${Number.isSafeInteger(deadlineMs) ? deadlineMs : JSON.stringify(deadlineMs)}}`;
    return { head: callHead(message.instance, message.method), text: args, tail };
  }
  if (message.type === "result") {
    // JSON.stringify leaves out a field whose value it cannot carry (undefined, a function, a symbol).
    const value = payloadText(message.value, "value", binary);
    return value === undefined ? { head: NO_HEAD, text: "{}", tail: "" } : { head: RESULT_HEAD, text: value, tail: "}" };
  }
  return undefined;
}

/** Takes a message apart for framing: JSON text (without `type` and `id`) and binary parts. */
export function serializeMessage(message: FrameMessage): SerializedMessage {
  const { type, id } = message;
  const code = FrameType[type];
  if (code === undefined) throw new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot encode a message of unknown type ${JSON.stringify(type)}`);
  const binary = noBinaryParts();
  const json = callFieldsJson(message, binary);
  if (json !== undefined) return { type, code, id, head: json.head, text: json.text, tail: json.tail, parts: binary.parts, binaryLength: binary.length };
  const fields = fieldsOf(message);
  const text = needsByteRefs(fields, 1) ? JSON.stringify(withByteRefs(fields, "", 1, binary, [])) : JSON.stringify(fields);
  return { type, code, id, head: NO_HEAD, text, tail: "", parts: binary.parts, binaryLength: binary.length };
}

/** The whole JSON section of a serialized message, as text (for tests and messages, not the call path). */
export function jsonOf(message: SerializedMessage): string {
  return utf8Decoder.decode(message.head) + message.text + message.tail;
}

/** The fewest bytes the JSON section can take: UTF-8 is never shorter than the string. */
export function minJsonBytes(message: SerializedMessage): number {
  return message.head.length + message.text.length + message.tail.length;
}

/** Writes ASCII `text` (a tail) at `at`, a byte per character; returns the offset past it. */
export function writeAscii(out: Uint8Array, at: number, text: string): number {
  let pos = at;
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/** Every field of a message but `type` and `id`, which travel in the frame's header. */
function fieldsOf(message: FrameMessage): Record<string, unknown> {
  const { type: _type, id: _id, ...fields } = message;
  return fields;
}

/** Throws FRAME_TOO_LARGE when a frame's `length` would exceed the receiver's maximum. */
export function checkFrameLength(message: SerializedMessage, length: number, maxFrameBytes: number): void {
  if (length <= maxFrameBytes) return;
  throw new LoomError(
    ErrorCode.FRAME_TOO_LARGE,
    `a ${message.type} frame (id ${message.id}) would be ${length} bytes, more than the receiver's maximum of ${maxFrameBytes}`,
  );
}

/** The frame's `length` if its JSON is `jsonLength` bytes. */
export function frameLength(message: SerializedMessage, jsonLength: number): number {
  return FRAME_FIXED_BYTES + jsonLength + message.binaryLength;
}

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}

/**
 * Writes the header at `at` and the binary section after the JSON (already at `at + 13`, `jsonLength`
 * bytes). Returns the offset just past the frame.
 */
export function writeFrameAround(out: Uint8Array, at: number, message: SerializedMessage, jsonLength: number): number {
  writeU32(out, at, frameLength(message, jsonLength));
  out[at + FRAME_PREFIX_BYTES] = message.code;
  writeU32(out, at + 5, message.id);
  writeU32(out, at + 9, jsonLength);
  let pos = at + FRAME_PREFIX_BYTES + FRAME_FIXED_BYTES + jsonLength;
  for (const part of message.parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return pos;
}
