/** How the proxy answers an error from an upstream request that produced no response. */
export interface UpstreamErrorClass {
  /** 502, or 504 when the upstream did not send headers in time. */
  readonly status: 502 | 504;
  /** The request never reached the upstream (or is safe to repeat), so another upstream may be tried. */
  readonly retryable: boolean;
  /** Counts against the upstream's passive health. */
  readonly upstreamFault: boolean;
  /** A short code for logs, e.g. ECONNREFUSED or UND_ERR_HEADERS_TIMEOUT. */
  readonly code: string;
}

/** Errors raised while connecting: nothing was sent, so any method may go elsewhere. */
const DIAL_ERRORS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);

/** The connection broke before a response began: only idempotent requests may be sent again. */
const SOCKET_ERRORS: ReadonlySet<string> = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE", "UND_ERR_CLOSED"]);

/** Errors about the request itself (rejected by undici before sending), not about the upstream. */
const REQUEST_ERRORS: ReadonlySet<string> = new Set([
  "UND_ERR_INVALID_ARG",
  "UND_ERR_NOT_SUPPORTED",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
]);

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** The `code` of an error or of its `cause`. */
function errorCode(error: unknown): string {
  for (let current = error, depth = 0; depth < 3 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return "UNKNOWN";
}

/** Classifies an error undici raised before response headers arrived. */
export function classifyUpstreamError(error: unknown, method: string): UpstreamErrorClass {
  const code = errorCode(error);
  if (DIAL_ERRORS.has(code)) return { status: 502, retryable: true, upstreamFault: true, code };
  if (SOCKET_ERRORS.has(code)) return { status: 502, retryable: IDEMPOTENT_METHODS.has(method), upstreamFault: true, code };
  if (code === "UND_ERR_HEADERS_TIMEOUT") return { status: 504, retryable: false, upstreamFault: true, code };
  if (REQUEST_ERRORS.has(code)) return { status: 502, retryable: false, upstreamFault: false, code };
  return { status: 502, retryable: false, upstreamFault: true, code };
}
