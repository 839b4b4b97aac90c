import { ErrorCode } from "./error-codes.ts";
import { BYTES_KEY, FRAME_FIXED_BYTES, FRAME_PREFIX_BYTES, MAX_JSON_DEPTH } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { FrameType } from "./frame-type.ts";
import { LoomError } from "./loom-error.ts";

/** A message taken apart for framing: header values, JSON text and the binary section's parts. */
export interface SerializedMessage {
  readonly type: FrameMessage["type"];
  readonly code: number;
  readonly id: number;
  /** The JSON of every field but `type` and `id`, Uint8Array values replaced by `$bytes` references. */
  readonly text: string;
  /** The binary section, in the order of its references. */
  readonly parts: readonly Uint8Array[];
  readonly binaryLength: number;
}

const NO_PARTS: readonly Uint8Array[] = [];

function cannotCarry(what: string, path: readonly (string | number)[]): LoomError {
  const where = path.length === 0 ? "the message" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1);
  return new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot encode ${where}: ${what}`);
}

/**
 * True when a value holds a Uint8Array. Throws on what protocol v1 cannot carry faithfully: an object
 * with the reserved `$bytes` key, other binary views, nesting deeper than MAX_JSON_DEPTH (or a cycle).
 */
function holdsBytes(value: unknown, depth: number, path: (string | number)[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Uint8Array) return true;
  if (depth > MAX_JSON_DEPTH) throw cannotCarry(`nested deeper than ${MAX_JSON_DEPTH} levels (or circular)`, path);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw cannotCarry(`a ${value.constructor.name}; binary data travels as a Uint8Array`, path);
  }
  let found = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (holdsBytes(value[i], depth + 1, path)) found = true;
      path.pop();
    }
    return found;
  }
  if (Object.hasOwn(value, BYTES_KEY)) throw cannotCarry(`the key "${BYTES_KEY}" is reserved for binary references`, path);
  for (const key in value) {
    path.push(key);
    if (holdsBytes((value as Record<string, unknown>)[key], depth + 1, path)) found = true;
    path.pop();
  }
  return found;
}

/** Takes a message apart for framing: JSON text (without `type` and `id`) and binary parts. */
export function serializeMessage(message: FrameMessage): SerializedMessage {
  const { type, id, ...fields } = message;
  const code = FrameType[type];
  if (code === undefined) throw new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot encode a message of unknown type ${JSON.stringify(type)}`);
  if (!holdsBytes(fields, 1, [])) return { type, code, id, text: JSON.stringify(fields), parts: NO_PARTS, binaryLength: 0 };
  const parts: Uint8Array[] = [];
  let binaryLength = 0;
  const text = JSON.stringify(fields, function (this: Record<string, unknown>, key: string, value: unknown) {
    // `this[key]` is the value before toJSON: a Node Buffer would otherwise arrive as { type, data }.
    const raw = this[key];
    const bytes = raw instanceof Uint8Array ? raw : value instanceof Uint8Array ? value : undefined;
    if (bytes === undefined) return value;
    parts.push(bytes);
    const ref = { [BYTES_KEY]: [binaryLength, bytes.length] };
    binaryLength += bytes.length;
    return ref;
  });
  return { type, code, id, text, parts, binaryLength };
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
