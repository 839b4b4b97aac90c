import { setTimeout as delay } from "node:timers/promises";
import { defineModule, textResponse } from "@loom/sdk";
import type { HttpResponse } from "@loom/sdk";
import { Pool } from "undici";
import { applyHeaderOps } from "./apply-header-ops.ts";
import { buildUpstreamRequest } from "./build-upstream-request.ts";
import { classifyUpstreamError } from "./classify-upstream-error.ts";
import type { UpstreamErrorClass } from "./classify-upstream-error.ts";
import { removeHopByHop } from "./hop-by-hop.ts";
import { ReverseProxyConfigSchema } from "./reverse-proxy-config.ts";
import { createUpstreamHealth } from "./upstream-health.ts";
import { createUpstreamSelector } from "./upstream-selector.ts";

/** How long cleanup waits for in-flight upstream requests before destroying the connections. */
export const POOL_CLOSE_TIMEOUT_MS = 5_000;

/** The status reported (to logs only) when the client went away before the upstream answered. */
const CLIENT_CLOSED_STATUS = 499;

function gatewayError(failure: UpstreamErrorClass): HttpResponse {
  return failure.status === 504
    ? textResponse(504, "504 Gateway Timeout: the upstream did not answer in time\n")
    : textResponse(502, "502 Bad Gateway: the upstream could not be reached\n");
}

/**
 * `http.handlers.reverse_proxy`: forwards requests to upstreams over undici connection pools (one per
 * upstream), balancing with `lbPolicy`, skipping upstreams that recently failed (passive health checks),
 * and trying another upstream when one cannot be reached. The upstream's body is streamed back.
 */
export const reverseProxy = defineModule({
  id: "http.handlers.reverse_proxy",
  description: "Proxies requests to upstream HTTP servers with load balancing and passive health checks.",
  configSchema: ReverseProxyConfigSchema,
  create(config, ctx) {
    const origins = config.upstreams.map((upstream) => new URL(upstream).origin);
    const health = createUpstreamHealth(origins.length, config.health);
    const select = createUpstreamSelector(config.lbPolicy);
    const unhealthyStatus = new Set(config.health.unhealthyStatus ?? []);
    const maxAttempts = Math.min(origins.length, (config.retries ?? origins.length - 1) + 1);
    let pools: Pool[] | undefined;

    return {
      provision() {
        pools = origins.map(
          (origin) =>
            new Pool(origin, {
              connect: { timeout: config.timeouts.connect },
              headersTimeout: config.timeouts.headers,
              bodyTimeout: config.timeouts.body,
            }),
        );
      },

      async cleanup() {
        const current = pools ?? [];
        pools = undefined;
        const closing = current.map((pool) => pool.close().then(() => true));
        const closed = await Promise.race([
          Promise.all(closing),
          delay(POOL_CLOSE_TIMEOUT_MS, undefined, { ref: false }).then(() => undefined),
        ]);
        if (closed === undefined) await Promise.all(current.map((pool) => pool.destroy()));
      },

      async handle(request, call) {
        if (pools === undefined) throw new Error("reverse_proxy: handle called before provision or after cleanup");
        const outgoing = buildUpstreamRequest(request, { stripPrefix: config.stripPrefix, headers: config.headers?.request });
        if (outgoing === undefined) return textResponse(400, "400 Bad Request: the request target is not a path\n");
        const tried = new Set<number>();
        let lastFailure: UpstreamErrorClass | undefined;
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
          const now = Date.now();
          const index = select(origins.length, (i) => !tried.has(i) && health.isAvailable(i, now));
          if (index === undefined) break;
          tried.add(index);
          const upstream = origins[index]!;
          const pool = pools[index]!;
          try {
            const response = await pool.request({
              method: outgoing.method,
              path: outgoing.path,
              headers: outgoing.headers,
              body: outgoing.body ?? null,
              signal: call.signal,
            });
            if (unhealthyStatus.has(response.statusCode)) {
              health.recordFailure(index, Date.now());
              ctx.logger.warn({ upstream, status: response.statusCode }, "upstream answered with an unhealthy status");
            }
            const headers = applyHeaderOps(removeHopByHop(response.headers), config.headers?.response);
            return { status: response.statusCode, headers, body: response.body };
          } catch (error) {
            if (call.signal.aborted) {
              ctx.logger.debug({ upstream }, "client went away before the upstream answered");
              return textResponse(CLIENT_CLOSED_STATUS, "client closed the request\n");
            }
            const failure = classifyUpstreamError(error, outgoing.method);
            if (failure.upstreamFault) health.recordFailure(index, Date.now());
            ctx.logger.warn({ upstream, code: failure.code, attempt, err: error }, "upstream request failed");
            lastFailure = failure;
            if (!failure.retryable) break;
          }
        }
        if (lastFailure !== undefined) return gatewayError(lastFailure);
        ctx.logger.warn({ upstreams: origins }, "no healthy upstream");
        return textResponse(503, "503 Service Unavailable: no healthy upstream\n");
      },
    };
  },
});
