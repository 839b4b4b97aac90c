import { ErrorCode, LoomError } from "@loom/protocol";
import type { HttpCall } from "../http/http-contract.ts";
import type { CallInfo } from "./current-call.ts";
import type { ServedNamespace } from "./served-namespace.ts";

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";

/** Reads a streamed body whole (protocol v1 carries no streams), refusing more than `maxBytes`. */
async function readBody(body: AsyncIterable<unknown>, maxBytes: number, moduleId: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    if (!(bytes instanceof Uint8Array)) {
      throw new LoomError(ErrorCode.PLUGIN_CALL_FAILED, `module ${moduleId} streamed a body chunk that is neither bytes nor a string`);
    }
    total += bytes.length;
    if (total > maxBytes) {
      throw new LoomError(ErrorCode.FRAME_TOO_LARGE, `module ${moduleId} streamed a body larger than the host's maximum frame of ${maxBytes} bytes`);
    }
    chunks.push(bytes);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The HttpCall of a served handler. Its signal is read through a getter, so the call's AbortController
 * is made only if the handler asks; a class, as V8 builds an object literal with a getter slowly (one
 * per request).
 */
class ServedHttpCall implements HttpCall {
  readonly #call: CallInfo;

  constructor(call: CallInfo) {
    this.#call = call;
  }

  get signal(): AbortSignal {
    return this.#call.signal;
  }
}

/**
 * `http.handlers` over protocol v1: the host sends `args: [request]`; the handler gets
 * `handle(request, { signal })` with the call's own signal as its HttpCall. A streamed response body is
 * read whole, since a body travels as one `$bytes` value in v1.
 */
export function httpHandlersServed(maxBodyBytes: number): ServedNamespace {
  return {
    methods: ["handle"],
    toArgs: (_method, args, call) => [args[0], new ServedHttpCall(call)],
    toValue: (_method, value, call) => {
      const body = (value as { body?: unknown } | null)?.body;
      if (body instanceof Uint8Array || typeof body === "string" || !isAsyncIterable(body)) return value;
      return readBody(body, maxBodyBytes, call.module).then((bytes) => ({ ...(value as object), body: bytes }));
    },
  };
}
