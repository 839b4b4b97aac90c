/** An inclusive byte range within a file. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The outcome of a Range header: a range to send, "unsatisfiable" (416), or undefined (send the whole file). */
export type RangeOutcome = ByteRange | "unsatisfiable" | undefined;

const DIGITS = /^\d+$/;

/**
 * Reads a Range header against a file of `size` bytes. One `bytes` range (`a-b`, `a-`, `-n`) becomes a
 * clamped range; a range starting past the end, or a zero suffix, is unsatisfiable. Several ranges, other
 * units and malformed values are ignored (the whole file is sent), as RFC 9110 allows.
 */
export function parseRange(header: string, size: number): RangeOutcome {
  const equals = header.indexOf("=");
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return undefined;
  const spec = header.slice(equals + 1);
  if (spec.includes(",")) return undefined;
  const dash = spec.indexOf("-");
  if (dash === -1) return undefined;
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();

  if (first === "") {
    if (!DIGITS.test(last)) return undefined;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  if (!DIGITS.test(first) || (last !== "" && !DIGITS.test(last))) return undefined;
  const start = Number(first);
  const end = last === "" ? Number.POSITIVE_INFINITY : Number(last);
  if (end < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}
