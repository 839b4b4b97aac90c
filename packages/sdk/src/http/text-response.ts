import type { Headers, HttpResponse } from "@loom/protocol";

/** A plain-text response with the right content type. */
export function textResponse(status: number, text: string, headers: Headers = {}): HttpResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: text };
}

/** A JSON response with the right content type. */
export function jsonResponse(status: number, value: unknown, headers: Headers = {}): HttpResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}
