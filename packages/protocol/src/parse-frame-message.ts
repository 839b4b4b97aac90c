import { ErrorCode } from "./error-codes.ts";
import type { RawFrame } from "./frame-decoder.ts";
import type { FrameMessage } from "./frame-message.ts";
import { frameMessageSchema } from "./frame-message.ts";
import { frameFieldsParser } from "./frame-fields-parser.ts";
import { FRAME_SENDER, frameTypeName } from "./frame-type.ts";
import { LoomError } from "./loom-error.ts";
import { resolveByteRefs } from "./resolve-byte-refs.ts";
import { utf8Decoder } from "./utf8-coders.ts";

export interface ParseFrameMessageOptions {
  /** The side that sent the frame; a frame type that side never sends is a protocol error. */
  from?: "host" | "plugin";
}

/** `args[0].body`: the JSON path of a field, for messages. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join("");
}

function invalid(what: string, problems: { path?: string; message: string }[]): LoomError {
  return LoomError.fromDiagnostics(
    ErrorCode.PROTOCOL_ERROR,
    `invalid ${what}:`,
    problems.map((p) => ({ code: ErrorCode.PROTOCOL_ERROR, ...p })),
  );
}

/**
 * zod compiles an object schema into a fast parser (`new Function`) on its first parse, about 0.3-0.5 ms
 * each: most of a plugin's first `create` and `call` after start-up, for frame types that may never be
 * frequent. So the first frames of each type are checked without it, and a type gets the compiled parser
 * once it has proved hot, as V8 tiers up a function (same checks either way).
 */
const FRAMES_BEFORE_JIT = 64;
const JITLESS = { jitless: true } as const;
/** Frames parsed so far, by type code (counted up to FRAMES_BEFORE_JIT). */
const framesSeen = new Uint8Array(256);

/** Names a frame in messages (built only when one is refused). */
const label = (name: string, id: number): string => `${name} frame (id ${id})`;

/**
 * Decodes a raw frame into a validated message: the type code must be known, the JSON section one
 * UTF-8 JSON object, every `$bytes` reference inside the binary section (it becomes a Uint8Array view),
 * and the fields must match the type's schema (unknown fields are dropped). Anything else throws
 * LoomError PROTOCOL_ERROR naming the frame type and id, each field and its problem.
 */
export function parseFrameMessage(frame: RawFrame, options: ParseFrameMessageOptions = {}): FrameMessage {
  const name = frameTypeName(frame.type);
  if (name === undefined) {
    throw new LoomError(ErrorCode.PROTOCOL_ERROR, `unknown frame type 0x${frame.type.toString(16).padStart(2, "0")} (id ${frame.id})`);
  }
  const sender = FRAME_SENDER[name];
  if (options.from !== undefined && sender !== "both" && sender !== options.from) {
    throw invalid(label(name, frame.id), [{ message: `only the ${sender} sends ${name} frames, and this one came from the ${options.from}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8Decoder.decode(frame.json));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : "not valid UTF-8";
    throw invalid(label(name, frame.id), [{ message: `the JSON section is ${reason}` }]);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalid(label(name, frame.id), [{ message: "the JSON section must be one object holding the message's fields" }]);
  }
  const resolved = resolveByteRefs(json, frame.binary);
  if (!resolved.ok) throw invalid(label(name, frame.id), [{ path: formatPath(resolved.path), message: resolved.problem }]);
  const fields = resolved.value as Record<string, unknown>;
  const parser = frameFieldsParser(name);
  const jit = framesSeen[frame.type]! >= FRAMES_BEFORE_JIT;
  if (!jit) framesSeen[frame.type]!++;
  if (parser.fields !== undefined && parser.acceptsId(frame.id)) {
    const parsed = jit ? parser.fields.safeParse(fields) : parser.fields.safeParse(fields, JITLESS);
    if (!parsed.success) throw invalidFields(name, frame.id, parsed.error.issues);
    // The parse returns an object of its own (zod copies the known keys): the header's fields go on it.
    const message = parsed.data as Record<string, unknown>;
    message.type = name;
    message.id = frame.id;
    return message as FrameMessage;
  }
  // The object is this function's own (fresh from JSON.parse): set the header's fields on it rather than
  // copying it with a spread, which cost about 2.4 µs a frame, more than the parse and the schema together.
  fields.type = name;
  fields.id = frame.id;
  const schema = frameMessageSchema(name);
  const parsed = jit ? schema.safeParse(fields) : schema.safeParse(fields, JITLESS);
  if (parsed.success) return parsed.data;
  throw invalidFields(name, frame.id, parsed.error.issues);
}

function invalidFields(name: string, id: number, issues: readonly { path: readonly PropertyKey[]; message: string }[]): LoomError {
  return invalid(
    label(name, id),
    issues.map((issue) => ({ path: formatPath(issue.path) || "(message)", message: issue.message })),
  );
}
