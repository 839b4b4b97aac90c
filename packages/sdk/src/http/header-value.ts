import type { Headers } from "@loom/protocol";

/** The first value of a header (names are matched lower case), or undefined. */
export function headerValue(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
