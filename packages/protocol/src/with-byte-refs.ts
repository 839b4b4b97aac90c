import { ErrorCode } from "./error-codes.ts";
import { BYTES_KEY, MAX_JSON_DEPTH } from "./frame-layout.ts";
import { LoomError } from "./loom-error.ts";

/** The parts of a message without bytes (most): shared, never pushed to (walkBytes replaces it first). */
const NO_PARTS: Uint8Array[] = [];

/** The binary parts found while preparing a message's JSON, and the section's length so far. */
export interface BinaryParts {
  parts: Uint8Array[];
  length: number;
}

/** An empty binary section to collect a message's parts in. */
export const noBinaryParts = (): BinaryParts => ({ parts: NO_PARTS, length: 0 });

function cannotCarry(what: string, path: readonly (string | number)[]): LoomError {
  const where = path.length === 0 ? "the message" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1);
  return new LoomError(ErrorCode.PROTOCOL_ERROR, `cannot encode ${where}: ${what}`);
}

/**
 * What walkBytes throws for a value protocol v1 cannot carry: the problem, and its path, built as the
 * error leaves each level (so a walk keeps no path while nothing is wrong: most HTTP frames hold bytes).
 */
class Uncarried {
  readonly path: (string | number)[] = [];
  constructor(readonly what: string) {}
}

/** walkBytes of the child `key` of a node; a refusal inside it gets `key` in front of its path. */
function walkChild(child: unknown, key: string | number, depth: number, binary: BinaryParts): unknown {
  try {
    return walkBytes(child, key, depth, binary);
  } catch (error) {
    if (error instanceof Uncarried) error.path.unshift(key);
    throw error;
  }
}

/**
 * `value` (at `path` in a message, `key` its last step, `depth` its nesting) as JSON.stringify will see
 * it, with every Uint8Array replaced by a `$bytes` reference into `binary` (walkBytes); what protocol v1
 * cannot carry throws LoomError PROTOCOL_ERROR naming where.
 */
export function withByteRefs(value: unknown, key: string, depth: number, binary: BinaryParts, path: readonly string[]): unknown {
  try {
    return walkBytes(value, key, depth, binary);
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
function walkBytes(value: unknown, key: string | number, depth: number, binary: BinaryParts): unknown {
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
  if (typeof toJSON === "function") return walkBytes(toJSON.call(value, String(key)), key, depth + 1, binary);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== "object" || item === null) continue;
      const next = walkChild(item, i, depth + 1, binary);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  if (Object.hasOwn(value, BYTES_KEY)) throw new Uncarried(`the key "${BYTES_KEY}" is reserved for binary references`);
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[name];
    if (typeof field !== "object" || field === null) continue;
    const next = walkChild(field, name, depth + 1, binary);
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
export function needsByteRefs(value: unknown, depth: number): boolean {
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
