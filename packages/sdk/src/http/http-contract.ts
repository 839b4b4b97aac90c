import type { HttpRequest, HttpResponse } from "@loom/protocol";

/** Per-call context that is not part of the request value. */
export interface HttpCall {
  /** Aborted when the client goes away or the host's deadline for the request passes. */
  readonly signal: AbortSignal;
}

/** The `http.handlers` interface: answer a request. */
export interface HttpHandler {
  handle(request: HttpRequest, call: HttpCall): HttpResponse | Promise<HttpResponse>;
}

/** Calls the rest of the chain: the next middleware, or the route's handler. */
export type HttpNext = (request: HttpRequest) => Promise<HttpResponse>;

/** The `http.middleware` interface: wrap the next handler (answer early, or change request or response). */
export interface HttpMiddleware {
  handle(request: HttpRequest, next: HttpNext, call: HttpCall): HttpResponse | Promise<HttpResponse>;
}
