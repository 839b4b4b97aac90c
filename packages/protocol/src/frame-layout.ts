/**
 * The fixed numbers of protocol v1's framing (docs/protocol.md, "Framing"). A frame is
 * `u32 length · u8 type · u32 id · u32 jsonLength · JSON · binary section`, integers big-endian.
 */

/** Bytes of the length prefix; `length` counts the bytes after it. */
export const FRAME_PREFIX_BYTES = 4;

/** Bytes of `type`, `id` and `jsonLength`: the smallest `length` a frame can have. */
export const FRAME_FIXED_BYTES = 9;

/** Bytes before the JSON section: the prefix plus the fixed fields. */
export const FRAME_HEADER_BYTES = FRAME_PREFIX_BYTES + FRAME_FIXED_BYTES;

/** The largest `length` a receiver accepts unless it announced another limit: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The smallest maximum frame size a side may announce: 64 KiB. */
export const MIN_MAX_FRAME_BYTES = 64 * 1024;

/** The largest u32: the upper bound of `length`, `jsonLength`, ids and announced limits. */
export const MAX_U32 = 0xffff_ffff;

/** The deepest nesting of arrays and objects a frame's JSON may have, the top-level object included. */
export const MAX_JSON_DEPTH = 128;

/** The JSON key that marks a reference to a slice of the binary section: `{"$bytes": [offset, length]}`. */
export const BYTES_KEY = "$bytes";
