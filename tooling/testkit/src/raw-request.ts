import { connect } from "node:net";

const ANSWER_TIMEOUT_MS = 5_000;

/** What the server answered a raw request, as sent: one character per byte (latin1). */
export interface RawResponse {
  /** Everything the server sent before closing the connection. */
  readonly text: string;
  /** The status code from the status line; NaN when the answer has no status line. */
  readonly status: number;
  /** The head's header fields, names lowercased; a repeated name keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Everything after the head, not decoded (a chunked body keeps its framing). */
  readonly body: string;
}

/**
 * Sends `bytes` as they are over a new TCP connection to `url`'s host and port (fetch would normalise a
 * target such as `/a/../b` and refuses malformed requests) and resolves with the whole answer once the
 * server closes the connection, so a request should ask for `Connection: close`. A string is sent one
 * byte per character (latin1). Rejects after 5 s without the server closing.
 */
export function rawRequest(url: string, bytes: string | Uint8Array): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const data = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(data));
    const chunks: Buffer[] = [];
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => {
      const requestLine = Buffer.from(data).toString("latin1").split("\r\n", 1)[0];
      socket.destroy(new Error(`no answer from ${url} to ${JSON.stringify(requestLine)}`));
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => resolve(parseRawResponse(Buffer.concat(chunks).toString("latin1"))));
  });
}

function parseRawResponse(text: string): RawResponse {
  const split = text.indexOf("\r\n\r\n");
  const head = split === -1 ? text : text.slice(0, split);
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { text, status: Number(statusLine.split(" ")[1]), headers, body: split === -1 ? "" : text.slice(split + 4) };
}
