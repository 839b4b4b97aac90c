import { defineModule } from "@loom/sdk";
import { createFileCache } from "./create-file-cache.ts";
import { createStaticHandler } from "./create-static-handler.ts";
import { createRootGuard, readRootFolder } from "@loom/sdk/files";
import { StaticConfigSchema } from "./static-config.ts";
import type { HttpHandler } from "@loom/sdk";

/**
 * `http.handlers.static`: serves files from a folder with ETag, Last-Modified, conditional requests,
 * single byte ranges, index files and content types; never a file outside the root.
 */
export const staticModule = defineModule({
  id: "http.handlers.static",
  description: "Serves files from a folder: ETag, Last-Modified, Range, index files, content types, no path traversal.",
  configSchema: StaticConfigSchema,
  create(config, ctx) {
    let handle: HttpHandler["handle"] | undefined;
    return {
      async provision() {
        const root = await readRootFolder(config.root, ctx.id);
        handle = createStaticHandler({
          root,
          index: config.index,
          stripPrefix: config.stripPrefix?.replace(/\/+$/, "") || undefined,
          cache: createFileCache({ maxFileBytes: config.cacheMaxBytes, maxTotalBytes: config.cacheTotalBytes }),
          guard: createRootGuard(root),
        });
        ctx.logger.debug({ root }, "static root ready");
      },
      handle(request, call) {
        if (handle === undefined) throw new Error(`${ctx.id} handled a request before provision`);
        return handle(request, call);
      },
    };
  },
});
