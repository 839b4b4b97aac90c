import { defineModule } from "@loom/sdk";
import type { HttpHandler } from "@loom/sdk";
import { createMarkdownHandler } from "./create-markdown-handler.ts";
import { createPageCache } from "./create-page-cache.ts";
import { createPageRenderer } from "./create-page-renderer.ts";
import { MarkdownConfigSchema } from "./markdown-config.ts";
import { createRootGuard, readRootFolder } from "@loom/sdk/files";

/** How many rendered pages a handler keeps. */
export const PAGE_CACHE_MAX_ENTRIES = 512;
/** 32 MiB: the bound on all rendered pages a handler keeps. */
export const PAGE_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * `http.handlers.markdown`: renders `.md` files under a folder to complete HTML5 pages, with raw HTML
 * escaped, an ETag per file version, and rendered pages cached in memory.
 */
export const markdownModule = defineModule({
  id: "http.handlers.markdown",
  description: "Renders Markdown files to HTML pages.",
  configSchema: MarkdownConfigSchema,
  create(config, ctx) {
    let handle: HttpHandler["handle"] | undefined;
    return {
      async provision() {
        const root = await readRootFolder(config.root, ctx.id);
        handle = createMarkdownHandler({
          root,
          index: config.index,
          stripPrefix: config.stripPrefix?.replace(/\/+$/, "") || undefined,
          render: createPageRenderer({ title: config.title, stylesheet: config.stylesheet }),
          renderKey: JSON.stringify([config.title ?? null, config.stylesheet ?? null]),
          cache: createPageCache({ maxEntries: PAGE_CACHE_MAX_ENTRIES, maxTotalBytes: PAGE_CACHE_MAX_BYTES }),
          guard: createRootGuard(root),
        });
        ctx.logger.debug({ root }, "markdown root ready");
      },
      handle(request, call) {
        if (handle === undefined) throw new Error(`${ctx.id} handled a request before provision`);
        return handle(request, call);
      },
    };
  },
});
