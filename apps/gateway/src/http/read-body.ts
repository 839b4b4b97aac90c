import type { IncomingMessage } from "node:http";

const EMPTY = new Uint8Array(0);

/** Reading stopped because the body is larger than the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

/** True when the request announces a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Reads a request body in full, refusing more than `limit` bytes (before reading when the length is
 * announced). On refusal the rest is left unread, so the socket stays usable for the 413 answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  if (!hasBody(req)) return Promise.resolve(EMPTY);
  const announced = Number(req.headers["content-length"]);
  if (announced > limit) {
    return Promise.reject(new BodyTooLargeError(`request body of ${announced} bytes exceeds the limit of ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      req.off("data", onData).off("end", onEnd).off("error", finish).off("aborted", onAborted);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(new BodyTooLargeError(`request body exceeds the limit of ${limit} bytes`));
      } else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onAborted = () => finish(new Error("the client aborted the request"));
    req.on("data", onData).on("end", onEnd).on("error", finish).on("aborted", onAborted);
  });
}
