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
