import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoomError } from "@loom/protocol";
import type { Logger } from "pino";
import { BodyTooLargeError, readBody } from "../http/read-body.ts";
import { isLoopbackHost } from "../config/listen-address.ts";
import type { Gateway } from "../server/create-gateway.ts";
import { pluginReport } from "./plugin-report.ts";

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, null, 2) + "\n";
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The Host header's name part. */
function hostName(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  const end = host.startsWith("[") ? host.indexOf("]") + 1 : host.lastIndexOf(":");
  return (end > 0 ? host.slice(0, end) : host).replace(/^\[|\]$/g, "");
}

/**
 * The admin API: GET /config, POST /load (atomic reload), GET /plugins, GET /metrics (Prometheus). It listens on loopback only, and
 * refuses requests whose Host or Origin is not loopback, so a web page cannot drive it (DNS rebinding).
 */
export function createAdminHandler(options: { gateway: Gateway; logger: Logger }) {
  const { gateway, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    if (!isLoopbackHost(hostName(req)) || (origin !== undefined && !isLoopbackHost(new URL(origin, "http://x").hostname.replace(/^\[|\]$/g, "")))) {
      return send(res, 403, { error: "the admin API accepts requests from loopback hosts only" });
    }
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (path === "/config" && req.method === "GET") return send(res, 200, gateway.currentConfig() ?? null);
      if (path === "/plugins" && req.method === "GET") return send(res, 200, pluginReport(gateway.registry, gateway.subprocessStats()));
      if (path === "/metrics" && req.method === "GET" && gateway.metrics) {
        const { registry } = gateway.metrics;
        const body = await registry.metrics();
        res.writeHead(200, { "content-type": registry.contentType, "content-length": Buffer.byteLength(body) });
        return void res.end(body);
      }
      if (path === "/load" && req.method === "POST") {
        let raw: unknown;
        try {
          raw = JSON.parse(Buffer.from(await readBody(req, MAX_CONFIG_BYTES)).toString("utf8"));
        } catch (error) {
          if (error instanceof BodyTooLargeError) return send(res, 413, { error: error.message });
          return send(res, 400, { code: "CONFIG_SYNTAX", message: `the request body is not valid JSON: ${(error as Error).message}` });
        }
        try {
          await gateway.reload(raw);
        } catch (error) {
          if (!isLoomError(error)) throw error;
          logger.warn({ code: error.code }, error.message);
          return send(res, 400, error.toJSON());
        }
        logger.info("config reloaded through the admin API");
        return send(res, 200, { ok: true });
      }
      if (["/config", "/plugins", "/load", "/metrics"].includes(path ?? "")) return send(res, 405, { error: `method ${req.method} not allowed on ${path}` });
      return send(res, 404, { error: `no admin endpoint ${path}; try GET /config, POST /load, GET /plugins` });
    } catch (error) {
      logger.error({ err: error }, "admin request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error; see the gateway log" });
    }
  };
}
