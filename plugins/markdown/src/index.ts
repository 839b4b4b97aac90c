import { definePlugin } from "@loom/sdk";
import { markdownModule } from "./markdown-module.ts";

export { markdownModule } from "./markdown-module.ts";
export { MarkdownConfigSchema } from "./markdown-config.ts";
export type { MarkdownConfig } from "./markdown-config.ts";

/** `@loom/plugin-markdown`: the `http.handlers.markdown` Markdown renderer. */
export const plugin = definePlugin({
  name: "@loom/plugin-markdown",
  version: "0.1.0",
  modules: [markdownModule],
});
