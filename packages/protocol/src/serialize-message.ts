import { ErrorCode } from "./error-codes.ts";
import { BYTES_KEY, FRAME_FIXED_BYTES, FRAME_PREFIX_BYTES, MAX_JSON_DEPTH } from "./frame-layout.ts";
import type { FrameMessage } from "./frame-message.ts";
import { FrameType } from "./frame-type.ts";
import { LoomError } from "./loom-error.ts";
import { utf8Decoder, utf8Encoder } from "./utf8-coders.ts";

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

const NO_PARTS: readonly Uint8Array[] = [];
const NO_HEAD = new Uint8Array(0);
const RESULT_HEAD = utf8Encoder.encode(`{"value":`);

/**
 * `{"instance":…,"method":…,"args":` as UTF-8, by instance and method: the same bytes start every call
 * to them, so a call costs neither their JSON.stringify nor their encoding (together about a quarter of
 * encoding a small call). A host calls few instances and methods; past CALL_HEADS_MAX the cache starts over.
 */
const callHeads = new Map<string, Map<string, Uint8Array>>();
let callHeadCount = 0;
const CALL_HEADS_MAX = 1024;

function callHead(instance: string, method: string): Uint8Array {
  let methods = callHeads.get(instance);
  const cached = methods?.get(method);
  if (cached !== undefined) return cached;
  if (callHeadCount >= CALL_HEADS_MAX) {
    callHeads.clear();
    callHeadCount = 0;
    methods = undefined;
  }
  if (methods === undefined) callHeads.set(instance, (methods = new Map()));
  const head = utf8Encoder.encode(`{"instance":${JSON.stringify(instance)},"method":${JSON.stringify(method)},"args":`);
  methods.set(method, head);
  callHeadCount++;
  return head;
}

function cannotCarry(what: string, path: readonly (string | number)[]): LoomError {
  const where = path.length === 0 ? "the message" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1);
  return new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot encode ${where}: ${what}`);
}

/** The binary parts found while preparing a message's JSON, and the section's length so far. */
interface BinaryParts {
  parts: Uint8Array[];
  length: number;
}

/**
 * What withByteRefs throws for a value protocol v1 cannot carry: the problem, and its path, built as the
 * error leaves each level (so a walk keeps no path while nothing is wrong: most HTTP frames hold bytes).
 */
class Uncarried {
  readonly path: (string | number)[] = [];
  constructor(readonly what: string) {}
}

/** `error` with `key` put in front of its path, if it is an Uncarried. */
function within(error: unknown, key: string | number): unknown {
  if (error instanceof Uncarried) error.path.unshift(key);
  return error;
}

/** withByteRefs from the top of a message (`path`: where `value` is), its refusal as a LoomError. */
function replaceBytes(value: unknown, key: string, depth: number, binary: BinaryParts, path: readonly string[]): unknown {
  try {
    return withByteRefs(value, key, depth, binary);
  } catch (error) {
    throw error instanceof Uncarried ? cannotCarry(error.what, [...path, ...error.path]) : error;
  }
}

/**
 * `value` as JSON.stringify will see it, with every Uint8Array replaced by a `$bytes` reference to the
 * binary section (`parts`): objects and arrays on the way to one are copied, everything else is the
 * caller's own (no copy when the message holds no bytes). A Uint8Array is taken as it is - a Node Buffer
 * never reaches its toJSON, which would turn 64 KiB into an array of 65,536 numbers first. Another
 * object's toJSON is called as JSON.stringify would. Throws Uncarried on what protocol v1 cannot carry
 * faithfully: an object with the reserved `$bytes` key, other binary views, nesting deeper than
 * MAX_JSON_DEPTH (or a cycle).
 */
function withByteRefs(value: unknown, key: string | number, depth: number, binary: BinaryParts): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) {
    const ref = { $bytes: [binary.length, value.length] } satisfies Record<typeof BYTES_KEY, number[]>;
    if (binary.parts === NO_PARTS) binary.parts = [];
    binary.parts.push(value);
    binary.length += value.length;
    return ref;
  }
  if (depth > MAX_JSON_DEPTH) throw new Uncarried(`nested deeper than ${MAX_JSON_DEPTH} levels (or circular)`);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) throw new Uncarried(`a ${value.constructor.name}; binary data travels as a Uint8Array`);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return withByteRefs(toJSON.call(value, String(key)), key, depth + 1, binary);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== "object" || item === null) continue;
      let next: unknown;
      try {
        next = withByteRefs(item, i, depth + 1, binary);
      } catch (error) {
        throw within(error, i);
      }
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  if (Object.hasOwn(value, BYTES_KEY)) throw new Uncarried(`the key "${BYTES_KEY}" is reserved for binary references`);
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[name];
    if (typeof field !== "object" || field === null) continue;
    let next: unknown;
    try {
      next = withByteRefs(field, name, depth + 1, binary);
    } catch (error) {
      throw within(error, name);
    }
    if (next === field) continue;
    copy ??= { ...value };
    // A "__proto__" field is data, as in JSON: defineProperty, as assignment would set the prototype.
    if (name === "__proto__") Object.defineProperty(copy, name, { value: next, writable: true, enumerable: true, configurable: true });
    else copy[name] = next;
  }
  return copy ?? value;
}

/**
 * False when JSON.stringify can take `value` as it is: no bytes, nothing protocol v1 refuses, no toJSON
 * whose result might hold bytes. A quick walk with no bookkeeping, so a message without bytes (most
 * calls and replies) costs one pass and no copies; true sends it through withByteRefs, which also
 * reports what cannot be carried, with its path.
 */
function needsByteRefs(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Uint8Array || depth > MAX_JSON_DEPTH || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsByteRefs(value[i], depth + 1)) return true;
    return false;
  }
  if (Object.hasOwn(value, BYTES_KEY)) return true;
  for (const name in value) if (needsByteRefs((value as Record<string, unknown>)[name], depth + 1)) return true;
  return false;
}

/**
 * JSON of one payload (a call's args, a result's value) at depth 2, bytes moved to `binary`: one walk
 * (withByteRefs copies nothing where there are no bytes), not a check and then a walk.
 */
function payloadText(value: unknown, key: string, binary: BinaryParts): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) as string | undefined;
  return JSON.stringify(replaceBytes(value, key, 2, binary, [key])) as string | undefined;
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
  const binary: BinaryParts = { parts: NO_PARTS as Uint8Array[], length: 0 };
  const json = callFieldsJson(message, binary);
  if (json !== undefined) return { type, code, id, head: json.head, text: json.text, tail: json.tail, parts: binary.parts, binaryLength: binary.length };
  const fields = fieldsOf(message);
  const text = needsByteRefs(fields, 1) ? JSON.stringify(replaceBytes(fields, "", 1, binary, [])) : JSON.stringify(fields);
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
