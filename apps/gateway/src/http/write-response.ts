import type { ServerResponse } from "node:http";
import { once } from "node:events";
import type { BodyStream, HttpResponse } from "@loom/sdk";

/** Closes a stream body that will not be read (HEAD, a client gone), so its file or socket is released. */
async function discard(body: BodyStream): Promise<void> {
  await body[Symbol.asyncIterator]().return?.();
}

/**
 * Writes a response value to Node's response object. Streams respect backpressure and stop when the
 * client goes away. Resolves with the number of body bytes written.
 */
export async function writeResponse(res: ServerResponse, response: HttpResponse, method: string): Promise<number> {
  const { body } = response;
  if (body === undefined || typeof body === "string" || body instanceof Uint8Array) {
    const length = body === undefined ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    // Set before writeHead so the head carries a length (writeHead's own headers win when they name one).
    if (response.status !== 204 && response.status !== 304) res.setHeader("content-length", length);
    res.writeHead(response.status, response.headers as Record<string, string | string[]> | undefined);
    if (method === "HEAD" || body === undefined) {
      res.end();
      return 0;
    }
    res.end(body);
    return length;
  }
  res.writeHead(response.status, response.headers as Record<string, string | string[]> | undefined);
  if (method === "HEAD") {
    res.end();
    await discard(body);
    return 0;
  }
  let written = 0;
  try {
    for await (const chunk of body) {
      if (res.destroyed) break;
      written += chunk.byteLength;
      if (!res.write(chunk)) await Promise.race([once(res, "drain"), once(res, "close")]);
    }
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  } finally {
    if (res.destroyed) await discard(body).catch(() => undefined);
  }
  res.end();
  return written;
}
