import { defineModule, textResponse } from "@loom/sdk";
import * as z from "@loom/sdk/z";
import type { Headers } from "@loom/sdk";
import { createClientKey } from "./client-key.ts";
import { createTokenBuckets } from "./token-buckets.ts";
import type { TakeResult } from "./token-buckets.ts";

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Bounds of the idle-bucket sweep period; within them it is the time a bucket takes to refill. */
const MIN_SWEEP_MS = 1_000;
const MAX_SWEEP_MS = 60_000;
const OWN_HEADERS = new Set(["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]);

export const RateLimitConfigSchema = z.strictObject({
  rate: z.number().positive("rate must be > 0").finite().describe("Tokens added to each client's bucket per second (may be fractional)."),
  burst: z.number().int().min(1, "burst must be at least 1").describe("Bucket size: how many requests a client may make at once."),
  key: z
    .union([
      z.literal("remote"),
      z.strictObject({
        header: z.string().regex(HEADER_NAME, "not a valid header name").describe("The request header naming the client, e.g. x-api-key."),
      }),
    ])
    .default("remote")
    .describe('Who a bucket belongs to: "remote" (the peer address) or { header } (requests without it count against their address).'),
  maxKeys: z
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe("The most client buckets tracked; beyond it the least recently used is forgotten, so memory stays bounded."),
});

export type RateLimitConfig = z.infer<typeof RateLimitConfigSchema>;

/**
 * `http.middleware.rate_limit`: a token bucket per client. Over the limit the request gets 429 with
 * Retry-After and the chain stops; every response carries RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset (seconds until the bucket is full again), as in the IETF httpapi draft.
 */
export const rateLimit = defineModule({
  id: "http.middleware.rate_limit",
  description: "Token-bucket rate limiting per client address or header; 429 with Retry-After.",
  configSchema: RateLimitConfigSchema,
  create(config, ctx) {
    const buckets = createTokenBuckets({ rate: config.rate, burst: config.burst, maxKeys: config.maxKeys });
    const clientKey = createClientKey(config.key);
    const sweepMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.ceil((config.burst / config.rate) * 1000)));
    let sweeper: ReturnType<typeof setInterval> | undefined;
    const limitHeaders = (result: TakeResult): Headers => ({
      "ratelimit-limit": String(config.burst),
      "ratelimit-remaining": String(result.remaining),
      "ratelimit-reset": String(result.resetSeconds),
    });

    return {
      start() {
        sweeper = setInterval(() => buckets.sweep(), sweepMs);
        sweeper.unref();
      },
      stop() {
        clearInterval(sweeper);
        sweeper = undefined;
      },
      async handle(request, next) {
        const result = buckets.take(clientKey(request));
        if (!result.allowed) {
          ctx.logger.debug({ request: request.id, retryAfter: result.retryAfterSeconds }, "rate limited");
          return textResponse(429, "Too Many Requests\n", { ...limitHeaders(result), "retry-after": String(result.retryAfterSeconds) });
        }
        const response = await next(request);
        // Ours replace any the inner handler set, whatever their case.
        const kept = Object.entries(response.headers ?? {}).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase()));
        return { ...response, headers: { ...Object.fromEntries(kept), ...limitHeaders(result) } };
      },
    };
  },
});
