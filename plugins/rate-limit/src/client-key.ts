import { createHash } from "node:crypto";
import { headerValue } from "@loom/sdk";
import type { HttpRequest } from "@loom/sdk";

/** Which client a request counts against: its peer address, or a request header such as an API key. */
export type ClientKeySource = "remote" | { readonly header: string };

/** Keys longer than this are stored as a SHA-256 digest, so a huge header cannot bloat the bucket map. */
const MAX_RAW_KEY_LENGTH = 64;

/**
 * Builds the function that names a request's bucket. Header keys and addresses live in separate
 * namespaces (`h:` and `r:`), so a client cannot drain another address's bucket by sending that address
 * as its header; a request without the header (or with an empty one) counts against its address.
 */
export function createClientKey(source: ClientKeySource): (request: HttpRequest) => string {
  if (source === "remote") return (request) => `r:${request.remoteAddress}`;
  const name = source.header.toLowerCase();
  return (request) => {
    const value = headerValue(request.headers, name)?.trim();
    if (!value) return `r:${request.remoteAddress}`;
    const key = value.length > MAX_RAW_KEY_LENGTH ? createHash("sha256").update(value).digest("base64") : value;
    return `h:${key}`;
  };
}
