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
  const path: (string | number)[] = [];
  let problem: string | undefined;

  const visit = (node: unknown, depth: number): unknown => {
    if (typeof node !== "object" || node === null) return node;
    if (depth > MAX_JSON_DEPTH) {
      problem = `nested deeper than ${MAX_JSON_DEPTH} levels`;
      return node;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && problem === undefined; i++) {
        path.push(i);
        node[i] = visit(node[i], depth + 1);
        if (problem === undefined) path.pop();
      }
      return node;
    }
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, BYTES_KEY)) return sliceOf(record);
    for (const key in record) {
      path.push(key);
      const child = record[key];
      const next = visit(child, depth + 1);
      if (problem !== undefined) return node;
      // defineProperty, not assignment: a "__proto__" key from JSON is an own field, not the prototype.
      if (next !== child) Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
      path.pop();
    }
    return node;
  };

  const sliceOf = (ref: Record<string, unknown>): unknown => {
    const span = ref[BYTES_KEY];
    if (Object.keys(ref).length !== 1) {
      problem = `an object with "${BYTES_KEY}" must have no other keys`;
    } else if (!Array.isArray(span) || span.length !== 2 || !span.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      problem = `"${BYTES_KEY}" must be [offset, length], two non-negative integers`;
    } else if (span[0] + span[1] > binary.length) {
      problem = `"${BYTES_KEY}" [${span[0]}, ${span[1]}] reaches past the ${binary.length}-byte binary section`;
    } else {
      return binary.subarray(span[0], span[0] + span[1]);
    }
    return ref;
  };

  const resolved = visit(value, 1);
  return problem === undefined ? { ok: true, value: resolved } : { ok: false, path, problem };
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
