import { definePlugin } from "@loom/sdk";
import { rateLimit } from "./rate-limit.ts";

export { rateLimit, RateLimitConfigSchema } from "./rate-limit.ts";
export type { RateLimitConfig } from "./rate-limit.ts";

/** `@loom/plugin-rate-limit`: the `http.middleware.rate_limit` module. */
export const plugin = definePlugin({
  name: "@loom/plugin-rate-limit",
  version: "0.1.0",
  description: "Token-bucket rate limiting middleware per client key; answers 429 with Retry-After.",
  modules: [rateLimit],
});
