import { definePlugin } from "@loom/sdk";
import { reverseProxy } from "./reverse-proxy.ts";

export { reverseProxy, POOL_CLOSE_TIMEOUT_MS } from "./reverse-proxy.ts";
export { ReverseProxyConfigSchema, ProxyHeaderOpsSchema } from "./reverse-proxy-config.ts";
export type { ReverseProxyConfig, ProxyHeaderOps } from "./reverse-proxy-config.ts";

/** The `@loom/plugin-reverse-proxy` plugin: the `http.handlers.reverse_proxy` module. */
export const plugin = definePlugin({
  name: "@loom/plugin-reverse-proxy",
  version: "0.1.0",
  description: "Proxies requests to upstreams with undici: round robin, passive health checks, X-Forwarded-* headers.",
  modules: [reverseProxy],
});
