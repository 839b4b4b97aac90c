import { utf8Encoder } from "./utf8-coders.ts";

/**
 * Encodes `text` as UTF-8 into `buffer` at `at`, with no intermediate copy. When the room runs out,
 * `grow(needed, keep)` must return a buffer of at least `needed` bytes holding the first `keep` bytes of
 * the old one; encoding continues there. Returns the buffer written to and the byte count.
 */
export function writeUtf8(
  text: string,
  buffer: Uint8Array,
  at: number,
  grow: (needed: number, keep: number) => Uint8Array,
): { buffer: Uint8Array; written: number } {
  let target = buffer;
  let pos = at;
  let read = 0;
  for (;;) {
    const step = utf8Encoder.encodeInto(read === 0 ? text : text.slice(read), target.subarray(pos));
    read += step.read;
    pos += step.written;
    if (read >= text.length) return { buffer: target, written: pos - at };
    // At most 3 bytes per UTF-16 code unit: one grow always suffices.
    target = grow(pos + (text.length - read) * 3, pos);
  }
}
