import type { Headers } from "@loom/sdk";

/** Headers that describe one connection and must not be forwarded (RFC 9110 section 7.6.1). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The header names a `Connection` header lists, lower case. */
function connectionOptions(value: string | string[] | undefined): Set<string> {
  const names = new Set<string>();
  if (value === undefined) return names;
  for (const line of Array.isArray(value) ? value : [value]) {
    for (const token of line.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "") names.add(name);
    }
  }
  return names;
}

/**
 * A copy of `headers` (lower-case names) without hop-by-hop headers, the names the `Connection` header
 * lists, and undefined values.
 */
export function removeHopByHop(headers: Readonly<Record<string, string | string[] | undefined>>): Headers {
  const listed = connectionOptions(headers.connection);
  const result: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || listed.has(name)) continue;
    result[name] = value;
  }
  return result;
}
