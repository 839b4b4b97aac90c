import { BYTES_KEY, MAX_JSON_DEPTH } from "./frame-layout.ts";

export type ByteRefsResolution =
  | { ok: true; value: unknown }
  | { ok: false; path: readonly (string | number)[]; problem: string };

/**
 * Replaces every `{"$bytes": [offset, length]}` in a frame's parsed JSON with that slice of the binary
 * section (a view, not a copy), in place. An object with a `$bytes` key must be exactly such a reference
 * within the section; nesting deeper than MAX_JSON_DEPTH is refused. Problems come back with their path.
 */
export function resolveByteRefs(value: unknown, binary: Uint8Array): ByteRefsResolution {
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
  if (typeof node !== "object" || node === null) return node;
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
    // A "__proto__" key from JSON is an own field, not the prototype: defineProperty for it, assignment else.
    if (next !== child) {
      if (key === "__proto__") Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
      else record[key] = next;
    }
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
  if (typeof node !== "object" || node === null) return false;
  if (depth > MAX_JSON_DEPTH) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (needsResolving(node[i], depth + 1)) return true;
    return false;
  }
  if (Object.hasOwn(node, BYTES_KEY)) return true;
  for (const key in node) if (needsResolving((node as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}
