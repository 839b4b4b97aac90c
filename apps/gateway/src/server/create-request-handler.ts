import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { CancelSource, HttpCall, HttpRequest, HttpResponse, Logger } from "@loom/sdk";
import { onCancel, textResponse } from "@loom/sdk";
import { BodyTooLargeError, hasBody, readBody } from "../http/read-body.ts";
import { writeResponse } from "../http/write-response.ts";
import { NOT_FOUND } from "../routing/create-router.ts";
import type { GatewayApp } from "./gateway-app.ts";

const EMPTY_BODY = new Uint8Array(0);
const INTERNAL_ERROR = textResponse(500, "Internal Server Error\n");
const TOO_LARGE = textResponse(413, "Payload Too Large\n", { connection: "close" });

/**
 * The per-request call context; the AbortSignal is made only when a module asks for it. A class with a
 * prototype getter: an object literal with its own getter made per request cost about a third of the
 * gateway's throughput (measured with pnpm bench).
 */
class LazyCall implements HttpCall, CancelSource {
  #controller: AbortController | undefined;
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /**
   * Tells `listener` when the client goes away without making the signal (a subprocess plugin's call is
   * cancelled through it: the signal and a listener on it cost ~3 µs a request on Node 20). Never calls it
   * during this call: a connection already gone is reported in a microtask.
   */
  [onCancel](listener: () => void): () => void {
    if (this.#controller) {
      const signal = this.#controller.signal;
      if (signal.aborted) {
        queueMicrotask(listener);
        return () => undefined;
      }
      signal.addEventListener("abort", listener, { once: true });
      return () => signal.removeEventListener("abort", listener);
    }
    const res = this.#res;
    if (res.destroyed && !res.writableFinished) {
      queueMicrotask(listener);
      return () => undefined;
    }
    const onClose = () => res.writableFinished || listener();
    res.once("close", onClose);
    return () => res.removeListener("close", onClose);
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const made = new AbortController();
      const res = this.#res;
      this.#controller = made;
      if (res.destroyed && !res.writableFinished) made.abort(new Error("client closed the connection"));
      else res.once("close", () => res.writableFinished || made.abort(new Error("client closed the connection")));
    }
    return this.#controller.signal;
  }
}

/**
 * Node's request listener for the gateway: request value in, route chain, response value out, one access
 * line. A failing module costs its request a 500, never the process.
 */
export function createRequestHandler(options: {
  current: () => GatewayApp;
  logger: Logger;
  accessLog: Logger;
  /** Called with every response's status (the metrics' counter by status class). */
  countResponse?: (status: number) => void;
}) {
  const { current, logger, accessLog, countResponse } = options;
  const prefix = randomBytes(3).toString("hex");
  let sequence = 0;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const app = current();
    app.inflight++;
    const started = app.config.logging.access ? performance.now() : 0;
    const id = `${prefix}-${(sequence++).toString(36)}`;
    const method = req.method ?? "GET";
    let status = 0;
    let bytes = 0;
    try {
      let response: HttpResponse;
      let body: Uint8Array | undefined = EMPTY_BODY;
      if (hasBody(req)) {
        try {
          body = await readBody(req, app.config.limits.maxBodyBytes);
        } catch (error) {
          if (!(error instanceof BodyTooLargeError)) throw error;
          logger.warn({ id, url: req.url, limit: app.config.limits.maxBodyBytes }, error.message);
          body = undefined;
        }
      }
      if (body === undefined) {
        response = TOO_LARGE;
      } else {
        const request: HttpRequest = {
          id,
          method,
          url: req.url ?? "/",
          headers: req.headers as HttpRequest["headers"],
          body,
          remoteAddress: req.socket.remoteAddress ?? "",
        };
        try {
          response = (await app.router.dispatch(request, new LazyCall(res))) ?? NOT_FOUND;
        } catch (error) {
          logger.error({ err: error, id, method, url: request.url }, "request failed in a module");
          response = INTERNAL_ERROR;
        }
      }
      status = response.status;
      bytes = await writeResponse(res, response, method);
    } catch (error) {
      logger.warn({ err: error, id, method, url: req.url }, "response could not be completed");
      if (!res.headersSent) {
        status = 500;
        res.writeHead(500).end();
      } else {
        res.destroy();
      }
    } finally {
      if (--app.inflight === 0) app.notifyIdle();
      countResponse?.(status);
      if (app.config.logging.access) {
        accessLog.info({
          id,
          method,
          url: req.url,
          status,
          bytes,
          ms: Math.round((performance.now() - started) * 100) / 100,
          remote: req.socket.remoteAddress,
        });
      }
    }
  };
}
