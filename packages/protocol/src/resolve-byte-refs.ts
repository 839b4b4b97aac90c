import { BYTES_KEY, MAX_JSON_DEPTH } from "./frame-layout.ts";

export type ByteRefsResolution =
  | { ok: true; value: unknown }
  | { ok: false; path: readonly (string | number)[]; problem: string };

/**
 * Replaces every `{"$bytes": [offset, length]}` in a frame's parsed JSON with that slice of the binary
 * section (a view, not a copy), in place. An object with a `$bytes` key must be exactly such a reference
 * within the section; nesting deeper than MAX_JSON_DEPTH is refused. Problems come back with their path.
 * One walk that keeps no path (every HTTP frame has a body to resolve); a value it refuses is walked
 * again by resolveByteRefsWithPath, which names where.
 */
export function resolveByteRefs(value: unknown, binary: Uint8Array): ByteRefsResolution {
  const resolved = resolveQuickly(value, binary, 1);
  return resolved === REFUSED ? resolveByteRefsWithPath(value, binary) : { ok: true, value: resolved };
}

/** What resolveQuickly returns for a value it refuses; the frame's JSON never holds it. */
const REFUSED: unique symbol = Symbol("refused");

function resolveQuickly(node: unknown, binary: Uint8Array, depth: number): unknown {
  if (typeof node !== "object" || node === null) return node;
  if (depth > MAX_JSON_DEPTH) return REFUSED;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item !== "object" || item === null) continue;
      const next = resolveQuickly(item, binary, depth + 1);
      if (next === REFUSED) return REFUSED;
      if (next !== item) node[i] = next;
    }
    return node;
  }
  const record = node as Record<string, unknown>;
  if (Object.hasOwn(record, BYTES_KEY)) return sliceQuickly(record, binary);
  for (const key in record) {
    const child = record[key];
    if (typeof child !== "object" || child === null) continue;
    const next = resolveQuickly(child, binary, depth + 1);
    if (next === REFUSED) return REFUSED;
    if (next !== child) setField(record, key, next);
  }
  return node;
}

/** sliceOf's checks, without building a message. */
function sliceQuickly(ref: Record<string, unknown>, binary: Uint8Array): Uint8Array | typeof REFUSED {
  let keys = 0;
  for (const _key in ref) if (++keys > 1) return REFUSED;
  const span = ref[BYTES_KEY];
  if (!Array.isArray(span) || span.length !== 2) return REFUSED;
  const offset: unknown = span[0];
  const length: unknown = span[1];
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return REFUSED;
  const start = offset as number;
  const end = start + (length as number);
  if (start < 0 || end < start || end > binary.length) return REFUSED;
  return binary.subarray(start, end);
}

/** A "__proto__" key from JSON is an own field, not the prototype: defineProperty for it, assignment else. */
function setField(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/**
 * resolveByteRefs with the path of the node it visits kept, so a problem comes back with where it is.
 * Slices that resolveByteRefs already put in place (before the problem it met) are left as they are.
 */
export function resolveByteRefsWithPath(value: unknown, binary: Uint8Array): ByteRefsResolution {
  if (!needsResolving(value, 1)) return { ok: true, value };
  const walk: Walk = { binary, path: [], problem: undefined };
  const resolved = visit(walk, value, 1);
  return walk.problem === undefined ? { ok: true, value: resolved } : { ok: false, path: walk.path, problem: walk.problem };
}

/** One resolution's state: the section, the path to the node being visited, the first problem found. */
interface Walk {
  readonly binary: Uint8Array;
  readonly path: (string | number)[];
  problem: string | undefined;
}

/** Module-level functions with the state passed in: no closures made per frame (most frames with bytes are HTTP calls). */
function visit(walk: Walk, node: unknown, depth: number): unknown {
  if (typeof node !== "object" || node === null || node instanceof Uint8Array) return node;
  if (depth > MAX_JSON_DEPTH) {
    walk.problem = `nested deeper than ${MAX_JSON_DEPTH} levels`;
    return node;
  }
  const { path } = walk;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length && walk.problem === undefined; i++) {
      path.push(i);
      node[i] = visit(walk, node[i], depth + 1);
      if (walk.problem === undefined) path.pop();
    }
    return node;
  }
  const record = node as Record<string, unknown>;
  if (Object.hasOwn(record, BYTES_KEY)) return sliceOf(walk, record);
  for (const key in record) {
    path.push(key);
    const child = record[key];
    const next = visit(walk, child, depth + 1);
    if (walk.problem !== undefined) return node;
    if (next !== child) setField(record, key, next);
    path.pop();
  }
  return node;
}

function sliceOf(walk: Walk, ref: Record<string, unknown>): unknown {
  const span = ref[BYTES_KEY];
  const { binary } = walk;
  if (Object.keys(ref).length !== 1) {
    walk.problem = `an object with "${BYTES_KEY}" must have no other keys`;
  } else if (!Array.isArray(span) || span.length !== 2 || !span.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    walk.problem = `"${BYTES_KEY}" must be [offset, length], two non-negative integers`;
  } else if (span[0] + span[1] > binary.length) {
    walk.problem = `"${BYTES_KEY}" [${span[0]}, ${span[1]}] reaches past the ${binary.length}-byte binary section`;
  } else {
    return binary.subarray(span[0], span[0] + span[1]);
  }
  return ref;
}

/**
 * False when the value holds no `$bytes` key and is not nested too deep: nothing to resolve or refuse.
 * A quick walk with no bookkeeping - most frames carry no bytes.
 */
function needsResolving(node: unknown, depth: number): boolean {
  if (typeof node !== "object" || node === null || node instanceof Uint8Array) return false;
  if (depth > MAX_JSON_DEPTH) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (needsResolving(node[i], depth + 1)) return true;
    return false;
  }
  if (Object.hasOwn(node, BYTES_KEY)) return true;
  for (const key in node) if (needsResolving((node as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}
