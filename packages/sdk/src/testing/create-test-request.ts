import type { HttpRequest } from "@loom/protocol";

/** A request value with defaults (GET /, no headers, empty body, 127.0.0.1) for a plugin's unit tests. */
export function createTestRequest(request: Partial<HttpRequest> = {}): HttpRequest {
  return {
    id: "test",
    method: "GET",
    url: "/",
    headers: {},
    body: new Uint8Array(0),
    remoteAddress: "127.0.0.1",
    ...request,
  };
}
