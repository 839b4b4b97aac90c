/**
 * The WHATWG Encoding API's TextEncoder and TextDecoder, which every JavaScript runtime has (browsers,
 * Node, Deno, Bun). This package compiles with lib ES2023 and neither DOM nor Node types, which lack
 * them, so they are reached through globalThis with the few members used here.
 */
interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

interface Utf8Decoder {
  decode(input: Uint8Array): string;
}

const text = globalThis as unknown as {
  TextEncoder: new () => Utf8Encoder;
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
};

/** Encodes strings to UTF-8. */
export const utf8Encoder: Utf8Encoder = new text.TextEncoder();

/** Decodes UTF-8 strictly: malformed bytes throw a TypeError; a BOM is kept, so JSON.parse refuses it. */
export const utf8Decoder: Utf8Decoder = new text.TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
