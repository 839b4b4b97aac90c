import type { ServerResponse } from "node:http";
import type { BodyStream, HttpResponse } from "@loom/sdk";

type OutgoingHeaders = Record<string, string | string[] | number>;

/**
 * The headers plus a Content-Length unless they name one (in any case). One object for writeHead: a
 * setHeader before it would push Node off its fast path for the head.
 */
function withLength(headers: HttpResponse["headers"], length: number): OutgoingHeaders {
  if (!headers) return { "content-length": length };
  for (const name in headers) if (name.length === 14 && name.toLowerCase() === "content-length") return headers;
  return { ...headers, "content-length": length };
}

/** Resolves when `res` can take more data, or when it closed (true). Listeners are removed either way. */
function drainedOrClosed(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (closed: boolean) => () => {
      res.off("drain", onDrain).off("close", onClose);
      resolve(closed);
    };
    const onDrain = done(false);
    const onClose = done(true);
    res.on("drain", onDrain).on("close", onClose);
  });
}

/** Writes a streamed body with backpressure; stops (and closes the stream) when the client goes away. */
async function writeStream(res: ServerResponse, body: BodyStream, method: string): Promise<number> {
  // One iterator for the whole body: ending it early (HEAD, client gone) closes the stream and keeps
  // its error handling, so a stream that fails after the client left cannot crash the process.
  const iterator = body[Symbol.asyncIterator]();
  if (method === "HEAD") {
    res.end();
    await iterator.return?.();
    return 0;
  }
  let written = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (res.destroyed) {
        await iterator.return?.();
        return written;
      }
      written += next.value.byteLength;
      if (!res.write(next.value) && (await drainedOrClosed(res))) {
        await iterator.return?.();
        return written;
      }
    }
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  }
  res.end();
  return written;
}

/**
 * Writes a response value to Node's response object: the number of body bytes written, at once for bytes
 * and strings, as a promise for a stream.
 */
export function writeResponse(res: ServerResponse, response: HttpResponse, method: string): number | Promise<number> {
  const { body } = response;
  if (body === undefined || typeof body === "string" || body instanceof Uint8Array) {
    const length = body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const noBody = response.status === 204 || response.status === 304 || response.status < 200;
    res.writeHead(response.status, noBody ? (response.headers as OutgoingHeaders) : withLength(response.headers, length));
    if (method === "HEAD" || body === undefined) {
      res.end();
      return 0;
    }
    res.end(body);
    return length;
  }
  res.writeHead(response.status, response.headers as Record<string, string | string[]> | undefined);
  return writeStream(res, body, method);
}
