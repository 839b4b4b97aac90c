import { definePlugin } from "@loom/sdk";
import { headers } from "./headers.ts";

export { headers } from "./headers.ts";
export { HeaderOpsSchema, HeadersConfigSchema } from "./headers-config.ts";
export type { HeaderOps, HeadersConfig } from "./headers-config.ts";
export { PLACEHOLDERS } from "./expand-placeholders.ts";
export type { PlaceholderName } from "./expand-placeholders.ts";

/** The `@loom/plugin-headers` plugin: the `http.middleware.headers` module. */
export const plugin = definePlugin({
  name: "@loom/plugin-headers",
  version: "0.1.0",
  description: "Middleware that sets, adds and removes request and response headers.",
  modules: [headers],
});
