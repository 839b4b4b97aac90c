import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What an echo upstream saw, sent back as JSON. */
export interface EchoBody {
  upstream: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header lines, to see exactly what arrived (names as sent). */
  rawHeaders: string[];
  body: string;
}

export interface EchoUpstream {
  readonly name: string;
  readonly url: string;
  /** Requests received so far. */
  readonly hits: () => number;
  /** `/big` responses whose connection closed before the whole body was written. */
  readonly cutShort: () => number;
  /** Stops listening and drops open connections, as a crashed upstream would. */
  close(): Promise<void>;
}

/** Deterministic bytes for `/big/<n>` responses: byte i is (i * 31 + 7) & 0xff. */
export function bigBody(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const CHUNK = 64 * 1024;

/**
 * Starts a node:http server on 127.0.0.1 (`port` 0 picks a free one) that answers:
 * - `/big/<n>`: n deterministic bytes, written in 64 KiB chunks with backpressure;
 * - `/status/<code>`: that status with a JSON echo;
 * - `/slow/<ms>`: a JSON echo after waiting ms before sending headers;
 * - `/hop`: a response carrying hop-by-hop headers and `Connection: x-drop-me`;
 * - anything else: 200 with a JSON echo of the request and `x-upstream: <name>`.
 */
export async function startEchoUpstream(name: string, port = 0): Promise<EchoUpstream> {
  let hits = 0;
  let cutShort = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = req.url ?? "/";
      const echo: EchoBody = {
        upstream: name,
        method: req.method ?? "",
        url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const big = /^\/big\/(\d+)$/.exec(url);
      if (big) {
        const data = bigBody(Number(big[1]));
        res.writeHead(200, { "content-type": "application/octet-stream", "x-upstream": name });
        res.once("close", () => {
          if (!res.writableFinished) cutShort++;
        });
        let offset = 0;
        const write = (): void => {
          while (offset < data.length) {
            const chunk = data.subarray(offset, offset + CHUNK);
            offset += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", write);
          }
          res.end();
        };
        write();
        return;
      }
      const status = /^\/status\/(\d{3})$/.exec(url);
      const slow = /^\/slow\/(\d+)$/.exec(url);
      const headers: Record<string, string> = { "content-type": "application/json", "x-upstream": name };
      if (url === "/hop") {
        Object.assign(headers, { connection: "x-drop-me", "x-drop-me": "1", "keep-alive": "timeout=77, max=9", "x-kept": "yes" });
      }
      const send = (): void => {
        res.writeHead(status ? Number(status[1]) : 200, headers);
        res.end(JSON.stringify(echo));
      };
      if (slow) setTimeout(send, Number(slow[1]));
      else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${address.port}`,
    hits: () => hits,
    cutShort: () => cutShort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Reads a response body of any allowed shape into one buffer. */
export async function readBody(body: Uint8Array | string | AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
