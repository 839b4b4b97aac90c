import { definePlugin } from "@loom/sdk";
import { staticModule } from "./static-module.ts";

export { staticModule } from "./static-module.ts";
export { StaticConfigSchema } from "./static-config.ts";
export type { StaticConfig } from "./static-config.ts";

/** `@loom/plugin-static`: the `http.handlers.static` file server. */
export const plugin = definePlugin({
  name: "@loom/plugin-static",
  version: "0.1.0",
  modules: [staticModule],
});
